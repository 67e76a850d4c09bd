package dev.glassbox.app.service;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import javafx.concurrent.Task;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.visuals.i18n.I18n;

/** Loads models off the FX thread. */
public final class ModelService {
    private static final Map<ModelSource, Future<LoadedModel>> PRELOADED = new ConcurrentHashMap<>();

    /**
     * Starts loading {@code source} on its own thread now (at launch, while the window toolkit starts up); the
     * next {@link #load} of the same source takes that result instead of loading again.
     */
    public static Future<LoadedModel> preload(ModelSource source) {
        FutureTask<LoadedModel> f = new FutureTask<>(() -> loadNow(source));
        PRELOADED.put(source, f);
        Thread t = new Thread(f, "glassbox-preload");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** A started load; its value is the model, its exception a failure to show with {@link ErrorMessages}. */
    public Task<LoadedModel> load(ModelEntry entry) {
        String waiting = EngineThread.waitingText();
        Task<LoadedModel> task = new Task<>() {
            {
                updateMessage(waiting == null ? I18n.text("status.loading", entry.label()) : waiting);
            }

            @Override
            protected LoadedModel call() throws Exception {
                updateMessage(I18n.text("status.loading", entry.label()));
                updateProgress(-1, 1);
                Future<LoadedModel> preloaded = PRELOADED.remove(entry.source());
                if (preloaded == null) {
                    return loadNow(entry.source());
                }
                try {
                    return preloaded.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception x ? x : e;
                }
            }
        };
        EngineThread.submit(I18n.text("engine.load", entry.label()), task);
        return task;
    }

    static LoadedModel loadNow(ModelSource source) throws IOException {
        return switch (source) {
            case ModelSource.OnDisk d -> ModelLoader.load(d.path(), d.tokenizer());
            case ModelSource.Bundled b -> OnnxModels.loadBundled(b.encoder(), Parallel.shared());
        };
    }
}
