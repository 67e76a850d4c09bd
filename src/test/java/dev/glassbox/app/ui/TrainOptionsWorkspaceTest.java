package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.engine.train.ContextTraining;
import dev.glassbox.engine.train.ModelShape;
import dev.glassbox.engine.train.RoutingDesign;
import dev.glassbox.engine.train.TrainingProgress;

/** The Train workspace's Options: experts, routing, context method, design and freezing, from the form to config.json. */
class TrainOptionsWorkspaceTest extends TrainTestBase {
    private TrainOptionsPane options;

    @Start
    void start(Stage stage) { show(stage); }

    @Override
    void opened() {
        super.opened();
        options = train.options;
    }

    /** Sets a box's text as typing would (the options sit below the fold of the settings column). */
    private static void set(FxRobot robot, SettingField f, String text) {
        robot.interact(() -> f.field.setText(text));
    }

    private void tinyModel(FxRobot robot) {
        robot.interact(() -> train.task.setValue("copy"));
        set(robot, train.layers, "2");
        set(robot, train.heads, "2");
        set(robot, train.kvHeads, "1");
        set(robot, train.dim, "16");
        set(robot, train.seq, "16");
        set(robot, train.batch, "4");
        set(robot, train.steps, "1000000");
    }

    private void pressStart(FxRobot robot) {
        robot.clickOn("#trainStart");
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void trainsAMixtureOfExpertsWithASlidingWindowAndSavesItAsMixtral(FxRobot robot) throws Exception {
        driver.openTrainTab(robot);
        tinyModel(robot);
        robot.interact(() -> {
            options.setExpanded(true);
            options.context.getEditor().setText("sliding:W=8");
        });
        set(robot, options.experts, "4");
        set(robot, options.topK, "2");
        set(robot, options.orthogonality, "0.01");

        // the workspace starts attention-only: the engine refuses experts there, next to the experts box
        pressStart(robot);
        assertNull(train.run(), "nothing started");
        String refused = assertThrows(IllegalArgumentException.class, () -> new ModelShape(2, 16, 16, 2, 2, 1, 16, true, false,
                ModelShape.DEFAULT_EPS, ModelShape.DEFAULT_THETA, BlockDesign.LLAMA,
                RoutingDesign.experts(4, 2, ExpertRouter.Kind.TOPK, 0.01f), ContextTraining.FULL)).getMessage();
        assertEquals(refused, options.experts.error.getText());

        robot.clickOn("#trainAttentionOnly");
        pressStart(robot);
        driver.waitFor("a few steps", () -> train.run() != null && train.run().lastProgress().map(TrainingProgress::step).orElse(0) >= 3
                && train.status.getText().startsWith("step "));
        assertTrue(options.experts.field.isDisabled() && options.context.isDisabled(), "options are locked while training");
        TrainingProgress p = train.run().lastProgress().orElseThrow();
        assertTrue(p.balanceLoss().isPresent() && p.orthogonality().isPresent(), p.toString());
        String status = train.status.getText();
        assertTrue(status.contains(" \u00b7 balance ") && status.contains(" \u00b7 orth "), status);

        robot.type(KeyCode.ESCAPE);
        driver.waitFor("the run to end", () -> !train.running());
        robot.clickOn("#trainOpenInExplorer");
        driver.waitFor("the checkpoint in the explorer", () -> window.modelProperty().get() != null);
        Path saved = train.lastSaved();
        JsonNode config = new ObjectMapper().readTree(saved.resolve("config.json").toFile());
        assertEquals("mixtral", config.path("model_type").asText());
        assertEquals("MixtralForCausalLM", config.path("architectures").get(0).asText());
        assertEquals(4, config.path("num_local_experts").asInt());
        assertEquals(2, config.path("num_experts_per_tok").asInt());
        assertEquals(0.01, config.path("router_aux_loss_coef").asDouble(), 1e-6);
        assertEquals("sliding:W=8", config.path(ContextTraining.CONFIG_KEY).asText());
        JsonNode training = new ObjectMapper().readTree(saved.resolve("training.json").toFile());
        assertEquals(0.01, training.path("orthogonality").asDouble(), 1e-6);
        var restored = Checkpoint.read(saved, dev.glassbox.engine.tensor.Parallel.SERIAL);
        assertEquals(RoutingDesign.experts(4, 2, ExpertRouter.Kind.TOPK, 0.01f), restored.model().shape().routing());
    }

    @Test
    void invalidOptionsShowTheEnginesMessageNextToTheirControls(FxRobot robot) throws Exception {
        driver.openTrainTab(robot);
        tinyModel(robot);
        robot.clickOn("#trainAttentionOnly");
        robot.interact(() -> options.context.getEditor().setText("sliding:W=0"));
        set(robot, options.experts, "4");
        set(robot, options.topK, "5");
        set(robot, options.freeze, "0,7");
        pressStart(robot);
        assertNull(train.run(), "nothing started");
        assertFalse(train.start.isDisabled());
        assertTrue(options.isExpanded(), "the options open to show what is wrong");
        String context = assertThrows(IllegalArgumentException.class, () -> ContextTraining.parse("sliding:W=0", 16)).getMessage();
        assertEquals(context, options.contextError.getText());
        String topK = assertThrows(IllegalArgumentException.class,
                () -> RoutingDesign.experts(4, 5, ExpertRouter.Kind.TOPK, 0f)).getMessage();
        assertEquals(topK, options.topK.error.getText());
        assertTrue(topK.contains("1..4"), topK);
        assertTrue(options.freeze.error.getText().contains("outside the model's layers 0..1"), options.freeze.error.getText());

        // fixed values clear; random routing with experts and a hash router with top-k 2 are refused by the engine
        robot.interact(() -> options.context.getEditor().setText("sliding:W=8"));
        set(robot, options.topK, "2");
        set(robot, options.freeze, "none");
        set(robot, options.randomRouting, "0.5");
        pressStart(robot);
        assertNull(train.run());
        assertEquals("", options.contextError.getText());
        assertEquals("", options.topK.error.getText());
        assertEquals(assertThrows(IllegalArgumentException.class,
                () -> new RoutingDesign(4, 2, ExpertRouter.Kind.TOPK, 0.01f, 0.5f)).getMessage(), options.randomRouting.error.getText());
        set(robot, options.randomRouting, "0");
        robot.interact(() -> options.router.setValue(ExpertRouter.Kind.HASH));
        pressStart(robot);
        assertNull(train.run());
        assertTrue(options.topK.error.getText().startsWith("the hash router sends each token to one expert"), options.topK.error.getText());

        // a mixed block design trains but cannot be saved, which this workspace always offers: refused before Start
        set(robot, options.experts, "0");
        robot.interact(() -> options.norm.setValue(BlockDesign.Norm.LAYER));
        assertEquals(TrainOptionsPane.CUSTOM, options.preset.getValue());
        pressStart(robot);
        assertNull(train.run());
        assertTrue(options.designError.getText().startsWith("a model with layer norm, swiglu mlp, rope positions cannot be saved"),
                options.designError.getText());

        // the GPT-2 preset sets the whole design and the shape GPT-2 needs
        robot.interact(() -> options.preset.setValue(TrainOptionsPane.GPT2));
        assertEquals(BlockDesign.GPT2, options.design());
        assertEquals("", options.designError.getText());
        assertTrue(train.tied.isSelected() && !train.attentionOnly.isSelected());
        assertEquals(train.heads.field.getText(), train.kvHeads.field.getText());
        robot.interact(() -> train.tied.setSelected(false));
        pressStart(robot);
        assertNull(train.run());
        assertEquals("cannot save as GPT-2: GPT-2's output head is the token embedding (drop --untied)", options.designError.getText());
        robot.interact(() -> train.tied.setSelected(true));
        set(robot, options.experts, "4");
        set(robot, options.topK, "1");
        robot.interact(() -> options.router.setValue(ExpertRouter.Kind.TOPK));
        pressStart(robot);
        assertNull(train.run());
        assertTrue(options.designError.getText().startsWith("cannot save as GPT-2: GPT-2 has no mixture-of-experts layout"),
                options.designError.getText());
        assertEquals("", window.errorBanner.getText(), "no banner, no stack trace");
    }
}
