package dev.glassbox.app.ui;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The app's style sheet, served as a data: URL so it needs no resource folder. */
final class AppStyle {
    private static final String CSS = """
            .root { -fx-font-size: 13px; -fx-base: #2b2b2b; -fx-background: #232323; -fx-accent: #4a9eda;
                -fx-control-inner-background: #1b1b1b; }
            .token-chips .chip { -fx-background-color: #3b4f66; -fx-text-fill: white; -fx-padding: 1 5 1 5;
                -fx-background-radius: 4; }
            .token-chips .chip-generated { -fx-background-color: #5d4a2e; -fx-text-fill: white; -fx-padding: 1 5 1 5;
                -fx-background-radius: 4; }
            .token-chips .chip-unknown { -fx-border-color: #ff4040; -fx-border-width: 2; -fx-border-radius: 4; }
            .unknown-warning { -fx-text-fill: #ff8080; }
            .attention-grid .grid-cell { -fx-border-color: transparent; -fx-border-width: 2; }
            .attention-grid .grid-cell:hover { -fx-border-color: #888888; }
            .attention-grid .grid-cell.selected { -fx-border-color: #ff5a36; }
            .attention-grid:focused .grid-cell.selected { -fx-border-color: #ffb000; }
            .grid-header { -fx-text-fill: #bbbbbb; -fx-font-size: 11px; }
            .error-banner { -fx-background-color: #7a1f1f; -fx-text-fill: white; -fx-padding: 6 10 6 10; }
            .empty-state { -fx-text-fill: #aaaaaa; -fx-font-size: 16px; }
            .hover-label { -fx-font-family: monospace; -fx-padding: 3 6 3 6; }
            .view-title { -fx-font-weight: bold; }
            """;

    private AppStyle() {
    }

    static String url() {
        return "data:text/css;base64," + Base64.getEncoder().encodeToString(CSS.getBytes(StandardCharsets.UTF_8));
    }
}
