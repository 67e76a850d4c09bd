package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import javafx.event.Event;
import javafx.event.EventType;
import javafx.scene.Node;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import com.sun.javafx.scene.input.DragboardHelper;
import com.sun.javafx.tk.TKClipboard;
import com.sun.javafx.tk.Toolkit;

/**
 * Files dropped on the main window (here on its prompt field, a text control that would otherwise take the drag as
 * text): a model file opens as File > Open opens it, a file Glassbox cannot open is refused with its name. The drag
 * events are the ones a file manager's drop produces, fired with a dragboard holding the files and offering copy,
 * move and link.
 */
class FileDropWindowTest extends WindowTestBase {
    private static TinyModelFolder tiny;

    @BeforeAll
    static void writeModel() throws Exception {
        tiny = TinyModelFolder.write("glassbox-drop", 5);
    }

    FileDropWindowTest() {
        super(1000, 700);
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    @Test
    void aDroppedModelOpensAndADroppedTextFileIsRefusedByName(FxRobot robot) throws Exception {
        WindowDriver d = new WindowDriver(robot, window);
        Node field = robot.lookup("#promptField").query();
        String prompt = robot.lookup("#promptField").queryTextInputControl().getText();
        DragEvent over = fire(robot, field, DragEvent.DRAG_OVER, tiny.model());
        assertTrue(over.isAccepted(), "a file drag is accepted over the window");
        assertEquals(TransferMode.COPY, over.getAcceptedTransferMode(), "as a copy: the file stays where it is");

        DragEvent drop = fire(robot, field, DragEvent.DRAG_DROPPED, tiny.model());
        assertTrue(drop.isDropCompleted());
        d.waitForModel();
        assertEquals(tiny.model().toAbsolutePath().normalize(), window.modelProperty().get().source().toAbsolutePath().normalize());
        assertEquals(prompt, robot.lookup("#promptField").queryTextInputControl().getText(), "nothing typed into the prompt");

        Path notes = Files.writeString(tiny.dir().resolve("notes.txt"), "not a model");
        fire(robot, field, DragEvent.DRAG_DROPPED, notes);
        d.waitFor("the error banner", () -> window.errorBanner.isVisible());
        String message = window.errorBanner.getText();
        assertTrue(message.contains("notes.txt") && message.contains(".gguf"), message);
        assertFalse(message.contains("Exception"), message);
        assertEquals(tiny.model().toAbsolutePath().normalize(), window.modelProperty().get().source().toAbsolutePath().normalize(),
                "the open model stays");

        fire(robot, field, DragEvent.DRAG_DROPPED, tiny.model(), notes);
        d.waitFor("the one-at-a-time message", () -> window.errorBanner.getText().contains("one file"));
    }

    /** Fires a drag event of {@code type} carrying {@code files} at {@code target} on the FX thread. */
    private static DragEvent fire(FxRobot robot, Node target, EventType<DragEvent> type, Path... files) {
        AtomicReference<DragEvent> event = new AtomicReference<>();
        robot.interact(() -> {
            // a local clipboard that offers what a file manager's drag offers (a plain one knows no transfer modes)
            TKClipboard local = Toolkit.getToolkit().createLocalClipboard();
            TKClipboard fromFileManager = (TKClipboard) Proxy.newProxyInstance(TKClipboard.class.getClassLoader(),
                    new Class<?>[] {TKClipboard.class}, (proxy, method, args) -> method.getName().equals("getTransferModes")
                            ? Set.of(TransferMode.COPY, TransferMode.MOVE, TransferMode.LINK) : method.invoke(local, args));
            Dragboard board = DragboardHelper.createDragboard(fromFileManager);
            ClipboardContent content = new ClipboardContent();
            content.putFiles(Arrays.stream(files).map(Path::toFile).toList());
            board.setContent(content);
            DragEvent e = new DragEvent(type, board, 20, 20, 20, 20, TransferMode.COPY, null, null, null);
            event.set(e);
            Event.fireEvent(target, e);
        });
        return event.get();
    }
}
