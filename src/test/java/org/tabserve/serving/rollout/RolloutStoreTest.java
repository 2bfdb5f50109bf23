package org.tabserve.serving.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.RepositoryListener;
import org.tabserve.repository.RepositoryOptions;
import org.tabserve.testing.BankNotes;

/**
 * A model's {@code rollout.json} as the polls read it ({@link RolloutStore#reread}, one call a poll), on a real
 * repository of two versions: a file removed ends its rollout only when two polls in a row find it missing, so that
 * a file replaced in two steps (removed, then written, as {@code git checkout} does) never hands every request to the
 * highest version for a poll; a file back by the next poll is read as it now is.
 */
class RolloutStoreTest {

    @TempDir
    Path dir;

    private ModelRepository repository;
    private RolloutStore store;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        for (String version : new String[] {"1", "2"}) {
            Files.createDirectories(dir.resolve("banknote/" + version));
            Files.copy(BankNotes.MODEL, dir.resolve("banknote/" + version + "/model.onnx"));
        }
        repository = new ModelRepository(RepositoryOptions.of(dir), new RepositoryListener() {});
        repository.start().join();
        store = new RolloutStore(repository);
        file = dir.resolve("banknote/" + RolloutStore.FILE);
        Files.writeString(file, "{\"serving\": 1}");
        store.reread();
        assertEquals(OptionalLong.of(1), serving());
    }

    @AfterEach
    void stop() {
        repository.close();
    }

    private OptionalLong serving() {
        RolloutStore.Held held = store.held("banknote");
        return held == null ? null : held.rollout().serving();
    }

    @Test
    void aRemovedFileEndsItsRolloutAtTheSecondPollThatFindsItMissing() throws Exception {
        Files.delete(file);
        store.reread();
        assertEquals(OptionalLong.of(1), serving(), "one poll that finds it missing keeps the rollout");
        store.reread();
        assertNull(store.held("banknote"), "the second in a row ends it");
    }

    @Test
    void aFileReplacedInTwoStepsBetweenPollsIsReadAsItNowIsWithNoPollWithoutIt() throws Exception {
        Files.delete(file);
        store.reread(); // the poll that falls between the removal and the write
        assertEquals(OptionalLong.of(1), serving(), "the poll between keeps the rollout");
        Files.writeString(file, "{\"serving\": 2, \"promoted_from\": 1}");
        store.reread();
        assertEquals(OptionalLong.of(2), serving());
        Files.delete(file);
        store.reread();
        Files.writeString(file, "{\"serving\": 1}");
        store.reread();
        store.reread();
        assertEquals(OptionalLong.of(1), serving(), "a missing read between two present ones does not count later");
        Files.delete(file);
        store.reread();
        assertEquals(OptionalLong.of(1), serving(), "the count starts again after the file came back");
    }
}
