package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * One model's slow load must not hold up another's. The slow one is a real model whose load (the real
 * {@link OnnxModelLoader#load}) waits for the test's signal first, so "slow" lasts exactly as long as the test needs.
 */
class ConcurrentLoadingTest {

    @TempDir
    Path dir;

    private final CountDownLatch slowMayLoad = new CountDownLatch(1);
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final Events events = new Events();
    private ModelRepository repository;

    @AfterEach
    void close() {
        slowMayLoad.countDown();
        if (repository != null) {
            repository.close();
        }
    }

    /** Loads every file as {@link OnnxModelLoader#load} does; files named slow* only once the test says so. */
    private Function<Path, Model> loader() {
        return file -> {
            if (file.toString().contains("slow")) {
                slowStarted.countDown();
                try {
                    if (!slowMayLoad.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the slow model load");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return OnnxModelLoader.load(file);
        };
    }

    @Test
    void aSlowModelAtStartDoesNotHoldUpTheOthers() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve("slow.onnx"));
        Models.put(Models.BANKNOTE, dir.resolve("fast.onnx"));
        Models.putBroken(dir.resolve("bad.onnx"));
        repository = new ModelRepository(
                new RepositoryOptions(Optional.of(dir), 10, Optional.empty(), Duration.ZERO, 2), events, loader());
        CompletableFuture<Void> startup = repository.start();

        assertTrue(slowStarted.await(60, TimeUnit.SECONDS));
        events.await("loaded fast 1");
        events.await("failed bad 1");
        try (Lease lease = repository.lease("fast")) {
            assertEquals(
                    "0",
                    lease.model().predict(Models.GENUINE_NOTE).classification().label());
        }
        RepositoryException loading = assertThrows(RepositoryException.class, () -> repository.lease("slow"));
        assertEquals(RepositoryException.Kind.UNAVAILABLE, loading.kind());
        assertTrue(loading.getMessage().contains("LOADING"), loading.getMessage());
        assertFalse(startup.isDone());
        assertFalse(repository.ready(), "not every model found at start has loaded or failed");

        slowMayLoad.countDown();
        startup.get(60, TimeUnit.SECONDS);
        assertTrue(repository.ready());
        assertEquals(
                List.of(ModelState.UNAVAILABLE, ModelState.READY, ModelState.READY),
                repository.index().stream().map(ModelStatus::state).toList());
    }

    @Test
    void anExplicitLoadOfASlowModelDoesNotHoldUpLeasesOrAnotherLoad() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve("fast.onnx"));
        repository = new ModelRepository(
                new RepositoryOptions(Optional.of(dir), 10, Optional.empty(), Duration.ZERO, 2), events, loader());
        repository.start().get(60, TimeUnit.SECONDS);

        Models.put(Models.BANKNOTE, dir.resolve("slow.onnx"));
        Models.put(Models.SPECIES, dir.resolve("other.onnx"));
        CompletableFuture<List<ModelStatus>> slow = repository.load("slow");
        assertTrue(slowStarted.await(60, TimeUnit.SECONDS));
        try (Lease lease = repository.lease("fast")) {
            assertEquals(
                    "0",
                    lease.model().predict(Models.GENUINE_NOTE).classification().label());
        }
        assertEquals(
                ModelState.READY,
                repository.load("other").get(60, TimeUnit.SECONDS).get(0).state());
        assertFalse(slow.isDone());

        slowMayLoad.countDown();
        assertEquals(ModelState.READY, slow.get(60, TimeUnit.SECONDS).get(0).state());
    }
}
