package dev.glassbox.engine.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TaskData;

/**
 * Results round-trip through search.json, a cancelled search stops and resumes where it stopped (ending as an
 * uninterrupted one), and a folder holding a search or foreign files is refused.
 */
class SearchFolderTest {
    private static final TaskData DATA = new TaskData(SyntheticTask.parse("copy"));

    private static SearchSettings settings() {
        return RegularizedEvolutionTest.settings(Strategy.evolution(4, 2), 9, 8, 4, 2);
    }

    @Test
    void cancelStopsTheSearchAndResumeContinuesWhereItStopped(@TempDir Path tmp) throws Exception {
        List<Candidate> whole = RegularizedEvolutionTest.run(settings(), new FakeEvaluator());

        Path dir = tmp.resolve("s");
        SearchFolder f = SearchFolder.create(dir, settings());
        FakeEvaluator first = new FakeEvaluator();
        AtomicInteger changes = new AtomicInteger();
        Search.Listener cancelAfterSix = (all, p) -> changes.incrementAndGet();
        assertThrows(CancellationException.class, () -> new Search(settings(), DATA, first, f, cancelAfterSix)
                .run(List.of(), () -> first.trainings.get() >= 6));
        int trainedBefore = first.trainings.get();
        assertTrue(trainedBefore >= 6 && trainedBefore < 14, "stopped early: " + trainedBefore);

        SearchFolder again = SearchFolder.resume(dir);
        assertEquals(settings(), again.settings(), "settings round-trip");
        List<Candidate> saved = again.saved();
        assertTrue(saved.stream().anyMatch(c -> !c.status().finished()) || saved.size() < 8, "the search was not done");
        assertEquals(saved, SearchFolder.resume(dir).saved(), "reading twice gives the same records");

        FakeEvaluator second = new FakeEvaluator();
        List<Candidate> resumed = new Search(again.settings(), DATA, second, again, Search.Listener.NONE)
                .run(saved, () -> false).candidates();
        assertEquals(whole, resumed, "a resumed search ends as an uninterrupted one");
        int rungsTotal = whole.stream().mapToInt(c -> c.rungs().size()).sum();
        assertEquals(rungsTotal, trainedBefore + second.trainings.get(), "no recorded rung was trained again");
        assertEquals(whole, SearchFolder.resume(dir).saved(), "the final state is saved");
        List<String> csv = Files.readAllLines(dir.resolve(SearchFolder.TABLE));
        assertEquals(9, csv.size(), "header and one row a candidate");
        assertTrue(csv.get(1).startsWith("0,0,"), csv.get(1));
    }

    @Test
    void aFolderHoldingASearchOrForeignFilesIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("s");
        SearchFolder f = SearchFolder.create(dir, settings());
        f.save(List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchFolder.create(dir, settings()));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());

        Path foreign = tmp.resolve("f");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        e = assertThrows(IllegalArgumentException.class, () -> SearchFolder.create(foreign, settings()));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SearchFolder.resume(foreign));
        assertTrue(e.getMessage().contains("search.json"), e.getMessage());
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
    }
}
