package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.FileWrites;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.ColorScale;
import dev.glassbox.visuals.MatrixExport;
import dev.glassbox.visuals.Palette;

/**
 * A head view's export runs as a task on the file thread: it tells its rows as it goes, stops at the next row once
 * cancelled, leaves no temporary behind and the file it would have replaced as it was; the next write then runs.
 */
@ExtendWith(ApplicationExtension.class)
class HeadExportCancelTest {
    private static final int N = 300;
    private static final int CANCEL_AT = 20;

    @Start
    void start(Stage stage) {
    }

    private static AttentionMatrix causal() {
        float[][] w = new float[N][N];
        List<String> labels = new ArrayList<>();
        for (int q = 0; q < N; q++) {
            for (int k = 0; k <= q; k++) w[q][k] = 1f / (q + 1);
            labels.add("t" + q);
        }
        return new AttentionMatrix("L0 H0", w, labels, labels);
    }

    @Test
    void aCancelledSvgExportStopsAtTheNextRowAndLeavesTheOldFile(@TempDir Path dir) throws Exception {
        cancelAtRow(dir, "head.svg", (m, p, rows) -> MatrixExport.svg(m, Palette.VIRIDIS, ColorScale.values()[0], p, rows));
    }

    @Test
    void aCancelledCsvExportStopsAtTheNextRowAndLeavesTheOldFile(@TempDir Path dir) throws Exception {
        cancelAtRow(dir, "head.csv", MatrixExport::csv);
    }

    private interface Export {
        void write(AttentionMatrix m, Path p, MatrixExport.Rows rows) throws java.io.IOException;
    }

    private void cancelAtRow(Path dir, String name, Export export) throws Exception {
        AttentionMatrix m = causal();
        Path target = Files.writeString(dir.resolve(name), "the earlier export");
        AtomicReference<Task<File>> task = new AtomicReference<>();
        AtomicInteger rowsAfterCancel = new AtomicInteger();
        AtomicInteger lastRow = new AtomicInteger();
        Task<File> t = WaitForAsyncUtils.asyncFx(() -> HeadView.export(target.toFile(), N, (p, rows) -> export.write(m, p, (done, total) -> {
            lastRow.set(done);
            if (done > CANCEL_AT) rowsAfterCancel.incrementAndGet();
            if (done == CANCEL_AT) {
                while (task.get() == null) Thread.onSpinWait();
                javafx.application.Platform.runLater(() -> task.get().cancel()); // Esc, while the export runs
                while (!task.get().isCancelled()) Thread.onSpinWait();
            }
            rows.written(done, total);
        }))).get(); // made on the FX thread, as the export menu does
        task.set(t);
        assertThrows(java.util.concurrent.CancellationException.class, () -> t.get(10, TimeUnit.SECONDS));
        // the file thread is free again: the next write runs (and, in order, after the cancelled one ended)
        Path next = dir.resolve("next.txt");
        FileWrites.submit(() -> Files.writeString(next, "next"), p -> { }, e -> { }).get(10, TimeUnit.SECONDS);
        assertEquals(Worker.State.CANCELLED, WaitForAsyncUtils.asyncFx(t::getState).get());
        assertEquals(CANCEL_AT, lastRow.get(), "no row written after the one the cancel came in");
        assertEquals(0, rowsAfterCancel.get());
        assertEquals("the earlier export", Files.readString(target), "the target is left as it was");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(name, "next.txt"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary left behind");
        }
    }

    @Test
    void anExportTellsItsRowsWithTheTimeLeft(@TempDir Path dir) throws Exception {
        AttentionMatrix m = causal();
        List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        Path target = dir.resolve("head.csv");
        Task<File> t = WaitForAsyncUtils.asyncFx(() -> {
            Task<File> made = HeadView.export(target.toFile(), N, (p, rows) -> MatrixExport.csv(m, p, rows));
            made.messageProperty().addListener((o, a, b) -> messages.add(b));
            return made;
        }).get();
        assertEquals(target.toFile(), t.get(10, TimeUnit.SECONDS));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(N + 1, Files.readAllLines(target).size(), "header and one line per query");
        assertTrue(messages.stream().anyMatch(s -> s.contains("of " + N) && s.contains("left")), "progress told: " + messages);
    }
}
