package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ExploreSession;
import dev.glassbox.app.service.SessionFile;
import dev.glassbox.app.service.SessionFiles;
import dev.glassbox.engine.analysis.heads.HeadSet;

/**
 * Sessions in the window: save, change everything, open gives the saved state back; every bundled lesson opens and
 * each step (Alt+Right, Next) sets the model, prompt, workspace, selected head, ablated heads, Context lab methods and
 * text, routing policy and training options it names.
 */
class SessionWindowTest extends WindowTestBase {
    private static final Path INDUCTION = Path.of("sample-models/induction-2l");
    private static final Path STORIES = Path.of("sample-models/tiny-stories-grammar");
    private static final Path LAB = Path.of("sample-models/induction-lab.txt");

    @TempDir
    Path dir;

    @Start
    void start(Stage stage) { show(stage); }

    private ExploreSession session() { return window.session(); }

    private SessionFile.SessionState capture(FxRobot robot) {
        SessionFile.SessionState[] s = new SessionFile.SessionState[1];
        robot.interact(() -> s[0] = session().capture());
        return s[0];
    }

    @Test
    void saveChangeOpenRestoresAnEqualState(FxRobot robot) throws Exception {
        WindowDriver d = openModel(robot, INDUCTION);
        robot.interact(() -> {
            session().promptProperty().set("qxbkwz qxbkwz qx");
            session().sampling().stepsProperty().set(12);
            session().sampling().temperatureProperty().set(0.8);
            window.selectWorkspace(1);
            window.heads().controller().select(1, 2);
            session().ablation().set(List.of(new HeadSet.Head(1, 1), new HeadSet.Head(1, 2)));
            window.context().methods.get(2).setValue("sliding:W=16");
            window.context().useTextFile(LAB);
            window.routing().policy.setValue("skip:1");
            window.train().steps.field.setText("321");
            window.train().task.setValue("copy");
            window.selectWorkspace(1);
        });
        SessionFile.SessionState saved = capture(robot);
        assertEquals(List.of(new SessionFile.Head(1, 1), new SessionFile.Head(1, 2)), saved.ablated());
        assertEquals("sliding:W=16", saved.context().methods().get(2));
        assertEquals(LAB.toAbsolutePath().normalize().toString(), saved.context().text());
        assertEquals("skip:1", saved.routing().policy());
        assertEquals("321", saved.training().get("steps"));
        assertEquals("copy", saved.training().get("task"));
        Path file = dir.resolve("s" + SessionFiles.EXTENSION);
        org.testfx.util.WaitForAsyncUtils.asyncFx(() -> window.saveSession(file))
                .get(10, java.util.concurrent.TimeUnit.SECONDS).get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(Files.isRegularFile(file));

        robot.interact(() -> {
            window.openModel(STORIES);
            session().promptProperty().set("Once upon a time");
            session().sampling().stepsProperty().set(48);
            window.context().methods.get(2).setValue("yarn:s=4");
            window.context().useTextFile(null);
            window.routing().policy.setValue("dense");
            window.train().steps.field.setText("999");
            window.train().task.setValue("sort");
            window.selectWorkspace(0);
        });
        d.waitFor("the other model", () -> window.modelProperty().get() != null
                && !window.modelProperty().get().name().contains("induction"));
        assertFalse(saved.equals(capture(robot)));

        robot.interact(() -> window.openSession(file));
        d.waitFor("the saved model back", () -> window.modelProperty().get() != null
                && window.modelProperty().get().name().contains("induction"));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(saved, capture(robot));
        assertEquals(1, window.workspaces.getSelectionModel().getSelectedIndex());
        assertEquals("", window.errorBanner.getText());
    }

    @Test
    void everyBundledLessonStepSetsTheStateItNames(FxRobot robot) throws Exception {
        WindowDriver d = new WindowDriver(robot, window);
        List<Path> lessons;
        try (Stream<Path> s = Files.list(Path.of("sample-models/lessons"))) {
            lessons = s.filter(SessionFiles::isSession).sorted().toList();
        }
        assertTrue(lessons.size() >= 4, "bundled lessons: " + lessons);
        java.util.Set<String> parts = new java.util.TreeSet<>();
        for (Path lesson : lessons) {
            SessionFile file = SessionFiles.read(lesson);
            assertFalse(file.lesson().isEmpty(), lesson + " has steps");
            WaitForAsyncUtils.asyncFx(() -> window.openSession(lesson))
                    .get(10, java.util.concurrent.TimeUnit.SECONDS).get(60, java.util.concurrent.TimeUnit.SECONDS);
            WaitForAsyncUtils.waitForFxEvents();
            for (int i = 0; i < file.lesson().size(); i++) {
                if (i > 0) {
                    robot.press(KeyCode.ALT).type(KeyCode.RIGHT).release(KeyCode.ALT);
                }
                SessionFile.Step step = file.lesson().get(i);
                if (step.state().context() != null) parts.add("context");
                if (step.state().routing() != null) parts.add("routing");
                if (step.state().training() != null) parts.add("training");
                String where = lesson.getFileName() + " step " + (i + 1);
                try {
                    d.waitFor(where, () -> names(step.state(), capture(robot)));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; named " + step.state() + "; have " + capture(robot), e);
                }
                assertEquals(i, session().lesson().indexProperty().get(), where);
                assertTrue(window.lesson.isVisible());
                assertEquals(step.title(dev.glassbox.visuals.i18n.I18n.locale()), window.lesson.title.getText(), where);
                assertEquals("", window.errorBanner.getText(), where);
            }
            WaitForAsyncUtils.waitForFxEvents();
        }
        assertEquals(java.util.Set.of("context", "routing", "training"), parts,
                "the context, routing and training lessons set those workspaces themselves");
    }

    /** Whether {@code actual} holds every part {@code named} sets (a null part is left as it was). */
    private static boolean names(SessionFile.SessionState named, SessionFile.SessionState actual) {
        return (named.model() == null || named.model().equals(actual.model()))
                && (named.prompt() == null || named.prompt().equals(actual.prompt()))
                && (named.sampling() == null || named.sampling().equals(actual.sampling()))
                && (named.workspace() == null || named.workspace().equals(actual.workspace()))
                && (named.selected() == null || named.selected().equals(actual.selected()))
                && (named.ablated() == null || named.ablated().equals(actual.ablated()))
                && (named.context() == null || named.context().equals(actual.context())
                    || (named.context().maxLength() == null && named.context().methods().equals(actual.context().methods())
                        && named.context().text().equals(actual.context().text())))
                && (named.routing() == null || named.routing().equals(actual.routing()))
                && (named.training() == null || actual.training() != null
                    && actual.training().entrySet().containsAll(named.training().entrySet()));
    }
}
