package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import javafx.stage.Stage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.hub.FixtureHub;
import dev.glassbox.app.hub.HubEnvironment;
import dev.glassbox.app.service.HubService;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.format.gguf.GgufWriter;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.testing.TinyLlama2c;

/** File ▸ Get model… against a loopback hub: list the GGUF files, choose one, download it, and the model opens. */
class GetModelWindowTest extends WindowTestBase {
    static final String COMMIT = "fedcba9876543210fedcba9876543210fedcba98";
    static FixtureHub hub;
    static Path dir;

    GetModelWindowTest() {
        super(1280, 720);
    }

    @BeforeAll
    static void serve() throws Exception {
        dir = Files.createTempDirectory("getmodel");
        LoadedModel m = ModelLoader.load(TinyLlama2c.write(dir.resolve("tiny"), 3), null);
        Path gguf = dir.resolve("tiny.gguf");
        GgufWriter.write((LlamaModel) m.decoder(), m.tokenizer(), "tiny", gguf);
        hub = new FixtureHub();
        hub.repos.put("acme/tiny-gguf", new FixtureHub.Repo(COMMIT, Map.of("tiny-Q8_0.gguf", Files.readAllBytes(gguf),
                "tiny-F16.gguf", new byte[100]), Set.of("tiny-Q8_0.gguf", "tiny-F16.gguf")));
    }

    @AfterAll
    static void stopServing() {
        hub.close();
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    @Override
    void opened() {
        window.hub = new HubService(() -> HubEnvironment.of(
                Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HUB_CACHE", dir.resolve("hub").toString()), dir));
    }

    @Test
    void listsChoosesDownloadsAndOpens(FxRobot robot) throws Exception {
        robot.clickOn("#openModelMenu").clickOn("Get model\u2026");
        WindowDriver d = new WindowDriver(robot, window);
        robot.clickOn("#hubRepo").write("acme/tiny-gguf");
        robot.clickOn("#hubList");
        javafx.scene.control.ComboBox<String> files = robot.lookup("#hubFile").queryComboBox();
        d.waitFor("the file list", () -> files.getItems().size() == 2);
        assertEquals(java.util.List.of("tiny-F16.gguf", "tiny-Q8_0.gguf"), files.getItems());
        robot.interact(() -> {
            files.hide();
            files.setValue("tiny-Q8_0.gguf");
        });
        robot.clickOn("#hubGet");
        d.waitForModel();
        Path file = dir.resolve("hub/models--acme--tiny-gguf/snapshots/" + COMMIT + "/tiny-Q8_0.gguf");
        assertTrue(Files.isSymbolicLink(file));
        assertEquals("acme/tiny-gguf/tiny-Q8_0.gguf", window.models.getValue().label());
        assertTrue(hub.requests("cdn").stream().noneMatch(r -> r.path().endsWith(FixtureHub.sha256(new byte[100]))),
                "the other GGUF was not downloaded");
    }
}
