package dev.glassbox.app.service;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;

/**
 * How many threads a generating run's engine uses in the app: every core (the model's own pool), or with
 * {@code -Dglassbox.runThreads=1} one, leaving a core to the views. F32 decode of the 110M shape is memory-bound at
 * two threads (bench: ~52-62 tok/s on one, ~70 on two), so one engine thread next to the views may generate as fast;
 * under load the two ways could not be told apart (docs/PERFORMANCE.md, part 9), so the default stays every core
 * until a quiet A/B decides.
 */
final class RunEngineThreads {
    /** The system property that asks for one engine thread. */
    static final String PROPERTY = "glassbox.runThreads";

    private RunEngineThreads() {
    }

    /** The engine threads for a run on {@code cores} cores with the property's value {@code asked} (null: not set). */
    static int threads(String asked, int cores) {
        if (asked != null) {
            try {
                return Math.max(1, Math.min(cores, Integer.parseInt(asked.strip())));
            } catch (NumberFormatException e) {
                // not a number: every core, as without it
            }
        }
        return cores;
    }

    /** {@code m}'s decoder for a run, on one thread when the property asks for it. */
    static DecoderModel decoder(LoadedModel m) {
        return decoder(m, threads(System.getProperty(PROPERTY), Runtime.getRuntime().availableProcessors()));
    }

    /**
     * {@code m}'s decoder, on the caller's thread alone when {@code threads} is 1 (the same weights, nothing copied);
     * else the model as loaded, on its own pool.
     */
    static DecoderModel decoder(LoadedModel m, int threads) {
        DecoderModel d = m.decoder();
        if (threads == 1 && d instanceof LlamaModel l && l.parallel().threads() > 1) {
            return new LlamaModel(l.config(), l.weights(), Parallel.SERIAL, l.trainedRandomRouting());
        }
        return d;
    }
}
