package dev.glassbox.app.ui;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.glassbox.visuals.Theme;

/**
 * The app's style sheets, one per {@link Theme}, served as data: URLs so they need no resource folder. Both are the
 * same rules over a few looked-up colours; the light one is for projectors (dark text on white carries across a room).
 */
final class AppStyle {
    private static final String DARK_COLOURS = """
            .root { -fx-base: #2b2b2b; -fx-background: #232323; -fx-accent: #4a9eda; -fx-control-inner-background: #1b1b1b;
                -gb-chip: #3b4f66; -gb-chip-generated: #5d4a2e; -gb-chip-text: white; -gb-warning: #ff8080; -gb-error: #ff7b72;
                -gb-muted: #bbbbbb; -gb-banner: #7a1f1f; -gb-hover-border: #888888; -gb-selected: #ff5a36; -gb-focused: #ffb000; }
            """;
    private static final String LIGHT_COLOURS = """
            .root { -fx-base: #e8e8e8; -fx-background: #f7f7f7; -fx-accent: #1f6fb2; -fx-control-inner-background: #ffffff;
                -gb-chip: #cfe0f3; -gb-chip-generated: #f6ddb4; -gb-chip-text: #111111; -gb-warning: #b00020; -gb-error: #b3261e;
                -gb-muted: #444444; -gb-banner: #b3261e; -gb-hover-border: #555555; -gb-selected: #d43d1a; -gb-focused: #b36b00; }
            """;
    private static final String RULES = """
            .root { -fx-font-size: 13px; }
            .tooltip { -fx-font-size: 1.1em; }
            .token-chips .chip { -fx-background-color: -gb-chip; -fx-text-fill: -gb-chip-text; -fx-padding: 1 5 1 5;
                -fx-background-radius: 4; }
            .token-chips .chip-generated { -fx-background-color: -gb-chip-generated; -fx-text-fill: -gb-chip-text; -fx-padding: 1 5 1 5;
                -fx-background-radius: 4; }
            .token-chips .chip-unknown { -fx-border-color: -gb-warning; -fx-border-width: 2; -fx-border-radius: 4; }
            .unknown-warning { -fx-text-fill: -gb-warning; }
            .error-text { -fx-text-fill: -gb-error; }
            .attention-grid .grid-cell { -fx-border-color: transparent; -fx-border-width: 2; }
            .attention-grid .grid-cell:hover { -fx-border-color: -gb-hover-border; }
            .attention-grid .grid-cell.selected { -fx-border-color: -gb-selected; }
            .attention-grid:focused .grid-cell.selected { -fx-border-color: -gb-focused; }
            .grid-header { -fx-text-fill: -gb-muted; -fx-font-size: 0.85em; }
            .attention-grid .grid-header { -fx-font-size: 1em; -fx-font-weight: bold; }
            .error-banner { -fx-background-color: -gb-banner; -fx-text-fill: white; -fx-padding: 6 10 6 10; }
            .empty-state { -fx-text-fill: -gb-muted; -fx-font-size: 1.25em; }
            .hover-label { -fx-font-family: monospace; -fx-padding: 3 6 3 6; }
            .view-title { -fx-font-weight: bold; }
            .table-view .column-header .label { -fx-wrap-text: true; -fx-text-alignment: center; }
            #routingSkips .column-header { -fx-pref-height: 5em; }
            .tool-row { -fx-padding: 3 6 3 6; -fx-hgap: 6; -fx-vgap: 4; -fx-alignment: center-left;
                -fx-background-color: -fx-body-color; -fx-border-color: transparent transparent -fx-box-border transparent; }
            """;
    private static final String DARK = url(DARK_COLOURS + RULES);
    private static final String LIGHT = url(LIGHT_COLOURS + RULES);

    private AppStyle() {
    }

    /** The style sheet of {@code theme}. */
    static String url(Theme theme) {
        return theme == Theme.LIGHT ? LIGHT : DARK;
    }

    private static String url(String css) {
        return "data:text/css;base64," + Base64.getEncoder().encodeToString(css.getBytes(StandardCharsets.UTF_8));
    }
}
