package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.engine.context.ContextLab;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The Context lab on the bundled sample model trained with Transformer-XL memory: the lab offers the model's own
 * method next to full attention, and past the 64 trained positions the native method keeps its perplexity while
 * full attention (naive extrapolation) does not.
 */
class ContextNativeModelTest extends WindowTestBase {
    private static final Path SAMPLE = Path.of("sample-models/stories-ctx-xl");
    private static Path dir;

    @BeforeAll
    static void copyModel() throws Exception {
        dir = Files.createTempDirectory("glassbox-native");
        Path m = Files.createDirectories(dir.resolve("stories-ctx-xl"));
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "training.json"}) {
            Files.copy(SAMPLE.resolve(f), m.resolve(f));
        }
        Files.copy(SAMPLE.resolveSibling("stories-lab.txt"), dir.resolve("stories-lab.txt"));
    }

    ContextNativeModelTest() {
        super(1500, 950, () -> new ModelCatalog(ModelCatalog.scan(dir)));
    }

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void theLabRunsTheModelsTrainedMethodBesideFullAttention(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        robot.clickOn("#promptField");
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT3).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        ContextWorkspace ws = window.context();
        assertEquals("full", ws.methods.get(0).getValue());
        assertEquals("xl:segment=16,memory=16", ws.methods.get(1).getValue(), "the native method is preselected");
        assertTrue(ws.notice.getText().contains("trained with xl:segment=16,memory=16"), ws.notice.getText());

        assertEquals(I18n.text("teach.context.text.lab", dir.getFileName() + "/stories-lab.txt"), ws.source.getText(),
                "the held-out lab text beside the model is the default text, not the model's own continuation");
        robot.interact(() -> {
            ws.methods.get(1).setValue("native");
            ws.methods.get(2).setValue("");
            ws.methods.get(3).setValue("");
            ws.maxLen.getValueFactory().setValue(256);
            ws.passkeyLengths.setText("");
        });
        int before = ws.runsDoneProperty().get();
        robot.clickOn(ws.run);
        d.waitFor("the context lab", () -> ws.runsDoneProperty().get() > before);
        assertEquals(2, ws.results().size());
        ContextLab.MethodResult full = ws.results().get(0);
        ContextLab.MethodResult xl = ws.results().get(1);
        assertEquals("xl:segment=16,memory=16", xl.policy().label(), "'native' resolved from config.json");
        double xlIn = xl.perplexity(0, 64), xlPast = xl.perplexity(64, 256);
        double fullPast = full.perplexity(64, 256);
        assertTrue(xlPast < 1.5 * xlIn, "the native method holds past the trained length: " + xlIn + " -> " + xlPast);
        assertTrue(fullPast > 5 * xlPast, "naive extrapolation degrades: full " + fullPast + " vs native " + xlPast);
        assertEquals(2, ws.cost.getItems().size());
    }
}
