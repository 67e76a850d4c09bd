package dev.glassbox.app.service;

import dev.glassbox.engine.analysis.heads.HeadAnalysis;
import dev.glassbox.visuals.i18n.I18n;

/**
 * What a Heads analysis says as its stages count their steps ({@link HeadAnalysis.Progress#counted}): the stage, how
 * many of how many, and the time left ({@link Countdown}, one per stage). The Heads workspace and the {@code heads}
 * command both say it this way. Told one step at a time (the analysis calls {@code counted} one at a time).
 */
public final class HeadStageText {
    private final int tokens;
    private final int heads;
    private final String ablated;
    private HeadAnalysis.Stage stage;
    private Countdown countdown;

    /**
     * @param tokens  the input's length
     * @param heads   every head of the model (layers x heads)
     * @param ablated what the capture says of heads ablated for it (empty: none)
     */
    public HeadStageText(int tokens, int heads, String ablated) {
        this.tokens = tokens;
        this.heads = heads;
        this.ablated = ablated;
    }

    /** The text after {@code done} of the {@code total} steps of {@code stage} (0: the stage starts now). */
    public synchronized String counted(HeadAnalysis.Stage stage, int done, int total) {
        if (stage != this.stage || done <= 0 || countdown.total() != total) {
            this.stage = stage;
            countdown = new Countdown(what(stage), total);
        }
        return countdown.text(done);
    }

    private String what(HeadAnalysis.Stage stage) {
        return switch (stage) {
            case WEIGHTS -> I18n.text("heads.stageWeights", heads);
            case CAPTURE -> I18n.text("heads.stageCapture", tokens, ablated);
            case SCORES -> I18n.text("heads.stageScores");
            case PROBE -> I18n.text("heads.stageProbe");
            case ABLATION -> I18n.text("heads.ablatingHeads");
        };
    }
}
