package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javafx.stage.Stage;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.engine.io.Json;
import dev.glassbox.engine.knowledge.Cloze;
import dev.glassbox.engine.knowledge.Injection;
import dev.glassbox.engine.knowledge.KnowledgeModel;
import dev.glassbox.engine.knowledge.SyntheticWorld;

/**
 * Knowledge injection in the Train workspace: make a synthetic world, train MLM with K-BERT injection for a few
 * steps, see the held-out fact score above the loss curve, and open the model in the explorer with its knowledge.
 */
class KnowledgeTrainWorkspaceTest extends TrainTestBase {
    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void aMadeWorldTrainsWithKBertAndShowsTheHeldOutFactScore(FxRobot robot) throws Exception {
        driver.openTrainTab(robot);
        assertFalse(train.knowledge.isVisible(), "knowledge is for the MLM objective only");
        robot.interact(() -> {
            train.objective.setValue("mlm");
            train.layers.field.setText("1");
            train.heads.field.setText("2");
            train.dim.field.setText("16");
            train.seq.field.setText("48");
            train.batch.field.setText("4");
            train.steps.field.setText("4");
        });
        assertTrue(train.knowledge.isVisible());
        assertTrue(train.knowledge.injection.isDisabled(), "no injection to choose before a knowledge base");

        Path world = tmp.resolve("world");
        var made = WaitForAsyncUtils.asyncFx(() -> train.knowledge.makeWorld(world)).get();
        driver.waitFor("the world written", made::isDone);
        assertTrue(made.get(), train.knowledge.note.getText());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(TrainWorkspace.TEXT_FILE, train.task.getValue(), "the world's sentences are the training text");
        assertEquals(SyntheticWorld.KB_FILE, train.knowledge.chooseBase.getText());
        assertEquals(SyntheticWorld.HELD_OUT_FILE, train.knowledge.chooseHeldOut.getText());
        List<Cloze> held = Cloze.read(world.resolve(SyntheticWorld.HELD_OUT_FILE));

        robot.interact(() -> train.restoreSession(java.util.Map.of("injection", "append")));
        assertEquals(new Injection.Append(), train.knowledge.injection.getValue(), "a session restores the injection");
        assertThrows(IllegalArgumentException.class, () -> train.restoreSession(java.util.Map.of("injection", "graft")));
        robot.interact(() -> train.knowledge.injection.setValue(new Injection.KBert()));
        assertEquals("kbert", train.sessionOptions().get("injection"));
        robot.clickOn("#trainStart");
        driver.waitFor("the run to end", () -> !train.running());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(train.status.getText().startsWith("Done after 4 steps"), train.status.getText());
        Matcher m = Pattern.compile("Held-out facts at step 4: accuracy ([0-9.]+) % \\((\\d+) of (\\d+)\\), mean "
                + "log-probability (-?[0-9.]+), mean rank ([0-9.]+)").matcher(train.facts.getText());
        assertTrue(m.matches(), train.facts.getText());
        assertEquals(held.size(), Integer.parseInt(m.group(3)), "every held-out fact scored");
        double rank = Double.parseDouble(m.group(5));
        assertTrue(rank >= 1, "a rank is at least 1: " + rank);
        assertTrue(Double.parseDouble(m.group(4)) < 0, "a log-probability below 0");
        assertTrue(train.facts.isVisible() && train.facts.getParent() != null, "shown above the loss curve");

        Path saved = tmp.resolve("model");
        robot.interact(() -> train.save(saved, false));
        driver.waitFor("the model saved", () -> saved.equals(train.lastSaved()));
        JsonNode meta = Json.STRICT.readTree(Files.readAllBytes(saved.resolve(KnowledgeModel.META_FILE)));
        assertEquals("kbert", meta.path("injection").asText());
        assertEquals(held.size(), meta.path("held_out_facts").asInt());
        assertEquals(Double.parseDouble(m.group(1)), 100 * meta.path("fact_accuracy").asDouble(), 0.051,
                "the saved accuracy is the one shown");
        assertEquals(Files.readString(world.resolve(SyntheticWorld.KB_FILE)), Files.readString(saved.resolve(KnowledgeModel.KB_FILE)));

        robot.clickOn("#trainOpenInExplorer");
        driver.waitFor("the model in the explorer", () -> window.modelProperty().get() != null);
        assertEquals(held.getFirst().sentence(), window.prompt.prompt.getText(), "a held-out cloze sentence is the prompt");
    }
}
