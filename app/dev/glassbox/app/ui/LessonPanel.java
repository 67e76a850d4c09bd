package dev.glassbox.app.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import dev.glassbox.app.service.LessonPlayer;
import dev.glassbox.app.service.SessionFile;
import dev.glassbox.visuals.i18n.I18n;

/** The open lesson's current step (title, text) with Back / Next (Alt+Left / Alt+Right) and Close; hidden without a lesson. */
final class LessonPanel extends VBox {
    final Label title = new Label();
    final Label text = new Label();
    final Label position = new Label();
    final Button back = new Button();
    final Button next = new Button();
    final Button close = new Button();
    private final LessonPlayer player;

    LessonPanel(LessonPlayer player) {
        this.player = player;
        setId("lessonPanel");
        setSpacing(4);
        setPadding(new Insets(6, 10, 6, 10));
        setStyle("-fx-border-color: -fx-box-border; -fx-border-width: 1 0 0 0;");
        title.setId("lessonTitle");
        title.setStyle("-fx-font-weight: bold;");
        text.setId("lessonText");
        text.setWrapText(true);
        back.setId("lessonBack");
        next.setId("lessonNext");
        close.setId("lessonClose");
        back.textProperty().bind(I18n.bind("lesson.back"));
        next.textProperty().bind(I18n.bind("lesson.next"));
        close.textProperty().bind(I18n.bind("lesson.close"));
        back.setOnAction(e -> player.back());
        next.setOnAction(e -> player.next());
        close.setOnAction(e -> player.close());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox head = new HBox(8, title, gap, position, back, next, close);
        head.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(head, text);
        managedProperty().bind(visibleProperty());
        player.indexProperty().addListener((o, a, b) -> refresh());
        player.stepsProperty().addListener((o, a, b) -> refresh());
        I18n.localeProperty().addListener((o, a, b) -> refresh());
        refresh();
    }

    private void refresh() {
        SessionFile.Step step = player.current();
        setVisible(step != null);
        if (step == null) {
            return;
        }
        int i = player.indexProperty().get();
        int n = player.stepsProperty().get().size();
        title.setText(step.title(I18n.locale()));
        text.setText(step.text(I18n.locale()));
        position.setText(I18n.text("lesson.position", i + 1, n));
        back.setDisable(i == 0);
        next.setDisable(i == n - 1);
    }
}
