package dev.glassbox.app.ui;

import dev.glassbox.engine.format.onnx.BundledEncoder;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tokenizer.VocabularyCoverage;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The line above the prompt's chips when the prompt holds text the model's vocabulary does not cover: how many
 * characters, which, and for Chinese text the bundled model that covers it (bge-small-zh-v1.5 for an encoder, the
 * tang-poetry sample for a decoder).
 */
final class UnknownTokens {
    /** The unknown words listed at most. */
    private static final int SHOWN = 20;
    static final String CHINESE_DECODER = "sample-models/tang-poetry";

    private UnknownTokens() {
    }

    /** The warning for {@code text} under {@code m}, or {@code null} when its vocabulary covers all of the text. */
    static String warning(LoadedModel m, String text) {
        VocabularyCoverage c = VocabularyCoverage.of(m.tokenizer(), text);
        if (c.complete()) {
            return null;
        }
        String line = I18n.text("teach.unknown.count", c.unknownCharacters(), c.characters(), m.name(),
                c.unknownList(SHOWN));
        String other = c.hasUnknownChinese() ? chineseModel(m) : null;
        return other == null ? line : line + I18n.text("teach.unknown.try", other);
    }

    /** The bundled model that covers Chinese text of the same kind as {@code m}, or null when {@code m} is it. */
    private static String chineseModel(LoadedModel m) {
        if (m.isDecoder()) {
            return m.name().equals("tang-poetry") ? null : CHINESE_DECODER;
        }
        BundledEncoder zh = BundledEncoder.BGE_SMALL_ZH;
        return m.isSeq2Seq() || m.name().equals(zh.modelName()) || !zh.available() ? null : zh.modelName();
    }
}
