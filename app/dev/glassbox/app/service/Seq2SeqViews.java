package dev.glassbox.app.service;

import java.util.ArrayList;
import java.util.List;

import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.AttentionAggregates;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.GridRow;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The grid of an encoder-decoder run: per decoder layer its cross-attention (rows: each decoder position labelled
 * by the token it produced, columns: the source; the alignment map), then per decoder layer its causal
 * self-attention, then per encoder layer its self-attention over the source. One map per head plus the mean.
 */
public final class Seq2SeqViews {
    private Seq2SeqViews() {
    }

    /** Row labels of the cross-attention maps: what each decoder position produced (the end marker last). */
    public static List<String> producedLabels(Seq2SeqModel.Decoded d, Tokenizer tok, int eos, int rows) {
        List<String> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            out.add(i < d.output().length ? tok.display(d.output()[i])
                    : d.stop() == Generation.StopReason.END_OF_SEQUENCE ? tok.display(eos) : "?");
        }
        return out;
    }

    public static GridContent build(Seq2SeqModel model, Seq2SeqModel.Decoded d, Tokenizer tok) {
        int heads = model.config().heads();
        List<String> columns = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            columns.add("H" + h);
        }
        columns.add(I18n.text("grid.mean"));
        List<String> source = TraceViews.labels(tok, d.source());
        int[] inputs = new int[d.output().length + 1];
        inputs[0] = model.spec().startToken();
        System.arraycopy(d.output(), 0, inputs, 1, d.output().length);
        List<String> decoderInputs = TraceViews.labels(tok, inputs);
        List<GridRow> rows = new ArrayList<>();
        for (int l = 0; l < model.config().layers(); l++) {
            Seq2SeqModel.AttentionMap m = d.patterns().get(Seq2SeqModel.crossPattern(l));
            if (m != null && m.queries() > 0) {
                List<String> produced = producedLabels(d, tok, model.spec().eosToken(), m.queries());
                rows.add(row(I18n.text("grid.crossRow", l), I18n.text("grid.cross"), l, m, produced, source,
                        AttentionMatrix.Axes.CROSS));
            }
        }
        for (int l = 0; l < model.config().layers(); l++) {
            Seq2SeqModel.AttentionMap m = d.patterns().get(Seq2SeqModel.decoderPattern(l));
            if (m != null && m.queries() > 0) {
                List<String> q = decoderInputs.subList(0, m.queries());
                rows.add(row(I18n.text("grid.decoderRow", l), I18n.text("grid.decoder"), l, m, q, q, AttentionMatrix.Axes.SELF));
            }
        }
        for (int l = 0; l < model.encoderLayers(); l++) {
            Seq2SeqModel.AttentionMap m = d.patterns().get(Seq2SeqModel.encoderPattern(l));
            if (m != null) {
                rows.add(row(I18n.text("grid.encoderRow", l), I18n.text("grid.encoder"), l, m, source, source,
                        AttentionMatrix.Axes.SELF));
            }
        }
        return new GridContent(columns, rows, source);
    }

    private static GridRow row(String label, String kind, int layer, Seq2SeqModel.AttentionMap m,
                               List<String> queries, List<String> keys, AttentionMatrix.Axes axes) {
        List<AttentionMatrix> cells = new ArrayList<>();
        float[][][] all = new float[m.heads()][][];
        for (int h = 0; h < m.heads(); h++) {
            all[h] = m.head(h);
            cells.add(new AttentionMatrix(kind + " \u00b7 " + I18n.text("heads.headTitle", layer, h), all[h], queries, keys,
                    axes));
        }
        cells.add(new AttentionMatrix(kind + " \u00b7 " + I18n.text("grid.meanTitle", layer),
                AttentionAggregates.meanOverHeads(all), queries, keys, axes));
        return new GridRow(label, cells);
    }
}
