package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.signature.ModelException;

/**
 * The directory changing while the repository serves. Each test polls by hand ({@link ModelRepository#pollOnce()},
 * what the timer calls), so what a poll does is checked without waiting for a clock.
 */
class RepositoryPollingTest {

    @TempDir
    Path dir;

    private final Events events = new Events();
    private ModelRepository repository;

    @BeforeEach
    void start() {
        Models.put(Models.BANKNOTE, dir.resolve("banknote.onnx"));
        // A long interval: the timer never fires during a test, the test's own polls do the work.
        repository = new ModelRepository(
                new RepositoryOptions(Optional.of(dir), 10, Optional.empty(), Duration.ofHours(1), 2), events);
        repository.start().join();
    }

    @AfterEach
    void close() {
        repository.close();
    }

    private void poll() {
        repository.pollOnce().join();
    }

    private List<String> names() {
        return repository.index().stream()
                .map(s -> s.name() + " " + s.version() + " " + s.state())
                .toList();
    }

    @Test
    void aHalfWrittenFileIsNotLoadedUntilItStaysTheSameForTwoPolls() throws Exception {
        byte[] model = Files.readAllBytes(Models.SPECIES);
        Path file = dir.resolve("species.onnx");
        Files.write(file, Arrays.copyOf(model, model.length / 2));
        poll();
        assertEquals(List.of("banknote 1 READY"), names(), "first seen: maybe still being written");

        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            out.write(model, model.length / 2, model.length - model.length / 2);
        }
        poll();
        assertEquals(List.of("banknote 1 READY"), names(), "changed since the last poll: maybe still being written");
        poll();
        assertEquals(List.of("banknote 1 READY", "species 1 READY"), names());
        assertEquals(List.of("loaded banknote 1", "loaded species 1"), events.all(), "never loaded half a file");
    }

    @Test
    void aFileCopiedUnderAHiddenNameAndRenamedLoadsAfterTwoPolls() throws Exception {
        Path hidden = dir.resolve(".species.onnx.part");
        Files.copy(Models.SPECIES, hidden);
        poll();
        poll();
        assertEquals(List.of("banknote 1 READY"), names(), "hidden files are not models");
        Files.move(hidden, dir.resolve("species.onnx"), StandardCopyOption.ATOMIC_MOVE);
        poll();
        poll();
        assertEquals(List.of("banknote 1 READY", "species 1 READY"), names());
    }

    @Test
    void aReplacedFileServesNewRequestsWhileALeaseFinishesOnTheOldModel() throws Exception {
        Lease old = repository.lease("banknote");
        Models.put(Models.SPECIES, dir.resolve("banknote.onnx"));
        poll();
        poll();

        Model oldModel = old.model();
        try (Lease current = repository.lease("banknote")) {
            assertNotSame(oldModel, current.model());
            assertEquals(Models.sha256(Models.SPECIES), current.model().sha256());
        }
        assertEquals(
                "0",
                oldModel.predict(Models.GENUINE_NOTE).classification().label(),
                "the old session stays open while a lease holds it");
        old.close();
        assertEquals(
                ModelException.Kind.PREDICTION_FAILED,
                assertThrows(ModelException.class, () -> oldModel.predict(Models.GENUINE_NOTE))
                        .kind(),
                "and closes with the last lease");
        assertEquals(List.of("loaded banknote 1", "loaded banknote 1"), events.all(), "a reload, no unload");
    }

    @Test
    void aFailedReloadKeepsTheOldModelServingAndSaysWhy() throws Exception {
        String before;
        try (Lease lease = repository.lease("banknote")) {
            before = lease.model().sha256();
        }
        Models.putBroken(dir.resolve("banknote.onnx"));
        poll();
        poll();

        ModelStatus status = repository.index().get(0);
        assertEquals(ModelState.READY, status.state());
        assertTrue(status.reason().orElseThrow().contains("reload failed"), status.toString());
        try (Lease lease = repository.lease("banknote")) {
            assertEquals(before, lease.model().sha256());
        }
        poll();
        assertEquals(List.of("loaded banknote 1", "failed banknote 1"), events.all(), "a broken file is tried once");

        Models.put(Models.BANKNOTE, dir.resolve("banknote.onnx"));
        poll();
        poll();
        assertEquals(List.of(new ModelStatus("banknote", 1, ModelState.READY, Optional.empty())), repository.index());
    }

    @Test
    void aNewVersionThatFailsLeavesTheOlderServingUnversionedRequests() throws Exception {
        Files.createDirectories(dir.resolve("notes/1"));
        Models.put(Models.BANKNOTE, dir.resolve("notes/1/model.onnx"));
        poll();
        poll();
        Models.putBroken(dir.resolve("notes/2/model.onnx"));
        poll();
        poll();
        assertEquals(List.of("banknote 1 READY", "notes 1 READY", "notes 2 UNAVAILABLE"), names());
        try (Lease lease = repository.lease("notes")) {
            assertEquals(1, lease.version());
        }
    }

    @Test
    void aRemovedFileIsUnloadedAtTheNextPoll() throws Exception {
        Models.put(Models.SPECIES, dir.resolve("species.onnx"));
        poll();
        poll();
        Files.delete(dir.resolve("banknote.onnx"));
        poll();
        assertEquals(List.of("species 1 READY"), names());
        assertEquals(
                RepositoryException.Kind.NOT_FOUND,
                assertThrows(RepositoryException.class, () -> repository.lease("banknote"))
                        .kind());
        assertTrue(events.all().contains("unloaded banknote 1"), events.all().toString());
    }

    @Test
    void aModelOverTheLimitLoadsOnceAnotherIsRemoved() throws Exception {
        repository.close();
        Models.put(Models.SPECIES, dir.resolve("species.onnx"));
        repository = new ModelRepository(
                new RepositoryOptions(Optional.of(dir), 1, Optional.empty(), Duration.ofHours(1), 2), events);
        repository.start().join();
        assertEquals(List.of("banknote 1 READY", "species 1 UNAVAILABLE"), names());

        Files.delete(dir.resolve("banknote.onnx"));
        poll();
        poll();
        assertEquals(List.of("species 1 READY"), names());
    }
}
