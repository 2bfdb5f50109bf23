package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@link ModelRepository#install} writes: where the directory serves the name from, in each layout, so that
 * the installed model is the one served after the next polls and after a restart; and never outside the directory,
 * even through a symbolic link in it.
 */
class InstallTargetTest {

    @TempDir
    Path dir;

    @TempDir
    Path outside;

    private ModelRepository repository;

    @AfterEach
    void close() {
        if (repository != null) {
            repository.close();
        }
    }

    private void start() {
        // A long interval: the test polls by hand.
        repository = new ModelRepository(
                new RepositoryOptions(Optional.of(dir), 10, Optional.empty(), Duration.ofHours(1), 2),
                RepositoryListener.NONE);
        repository.start().join();
    }

    private void restart() {
        repository.close();
        start();
    }

    private ModelStatus install(String name, Path model) throws Exception {
        try (InputStream body = Files.newInputStream(model)) {
            return repository.install(name, body).join();
        }
    }

    private String servedSha(String name) {
        try (Lease lease = repository.lease(name)) {
            return lease.model().sha256();
        }
    }

    private void pollTwice() {
        repository.pollOnce().join();
        repository.pollOnce().join();
    }

    @Test
    void anInstallAfterAnUnloadOfATritonModelIsANewVersionThatServesAfterPollsAndARestart() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve("tri/1/model.onnx"));
        start();
        repository.unload("tri").join();

        ModelStatus installed = install("tri", Models.SPECIES);

        assertEquals(new ModelStatus("tri", 2, ModelState.READY, Optional.empty()), installed);
        assertEquals(Models.sha256(Models.SPECIES), Models.sha256(dir.resolve("tri/2/model.onnx")));
        assertFalse(Files.exists(dir.resolve("tri.onnx")), "not beside the directory that hides it");
        pollTwice();
        assertEquals(Models.sha256(Models.SPECIES), servedSha("tri"), "the polls keep serving the upload");
        restart();
        assertEquals(Models.sha256(Models.SPECIES), servedSha("tri"), "and so does a restart");
        assertEquals(
                Models.sha256(Models.BANKNOTE),
                Models.sha256(dir.resolve("tri/1/model.onnx")),
                "the older version is left as it was");
    }

    @Test
    void anInstallOverALoadedTritonModelAddsTheVersionAfterTheHighestOnDisk() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve("tri/1/model.onnx"));
        Models.put(Models.BANKNOTE, dir.resolve("tri/3/model.onnx"));
        Files.createDirectories(dir.resolve("tri/7")); // being prepared by someone: not to be written into
        start();

        assertEquals(8, install("tri", Models.SPECIES).version());
        assertEquals(Models.sha256(Models.SPECIES), Models.sha256(dir.resolve("tri/8/model.onnx")));
        assertEquals(Models.sha256(Models.SPECIES), servedSha("tri"));
        assertEquals(List.of(1L, 3L, 8L), repository.readyVersions("tri"));
    }

    @Test
    void anInstallAfterAnUnloadOfAKServeModelReplacesItsFile() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve("ks/model.onnx"));
        Models.put(Models.BANKNOTE, dir.resolve("agent/sklearn.onnx"));
        start();
        repository.unload("ks").join();

        assertEquals(new ModelStatus("ks", 1, ModelState.READY, Optional.empty()), install("ks", Models.SPECIES));
        assertEquals(new ModelStatus("agent", 1, ModelState.READY, Optional.empty()), install("agent", Models.SPECIES));

        assertEquals(Models.sha256(Models.SPECIES), Models.sha256(dir.resolve("ks/model.onnx")));
        assertEquals(
                Models.sha256(Models.SPECIES),
                Models.sha256(dir.resolve("agent/sklearn.onnx")),
                "the one .onnx file of a KServe directory is the one replaced");
        assertFalse(Files.exists(dir.resolve("ks.onnx")) || Files.exists(dir.resolve("agent.onnx")));
        pollTwice();
        assertEquals(Models.sha256(Models.SPECIES), servedSha("ks"));
        restart();
        assertEquals(Models.sha256(Models.SPECIES), servedSha("ks"));
        assertEquals(Models.sha256(Models.SPECIES), servedSha("agent"));
        assertEquals(
                List.of(dir.resolve("agent/sklearn.onnx"), dir.resolve("ks/model.onnx")),
                files(),
                "no temporary file is left");
    }

    @Test
    void aPlainFileIsReplacedAndANewNameIsAPlainFile() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve("plain.onnx"));
        start();
        install("plain", Models.SPECIES);
        install("fresh", Models.SPECIES);
        pollTwice();
        restart();
        assertEquals(Models.sha256(Models.SPECIES), servedSha("plain"));
        assertEquals(Models.sha256(Models.SPECIES), servedSha("fresh"));
        assertEquals(List.of(dir.resolve("fresh.onnx"), dir.resolve("plain.onnx")), files());
    }

    @Test
    void aModelBehindALinkLeadingOutsideIsServedButNeverWrittenThrough() throws Exception {
        Path elsewhere = Models.put(Models.BANKNOTE, outside.resolve("kserve/model.onnx"));
        Path elsewhereVersion = Models.put(Models.BANKNOTE, outside.resolve("triton/1/model.onnx"));
        Path elsewhereFile = Models.put(Models.BANKNOTE, outside.resolve("plain.onnx"));
        Files.createSymbolicLink(dir.resolve("linked"), outside.resolve("kserve"));
        Files.createSymbolicLink(dir.resolve("versions"), outside.resolve("triton"));
        Files.createSymbolicLink(dir.resolve("file.onnx"), elsewhereFile);
        start();
        assertEquals(Models.sha256(Models.BANKNOTE), servedSha("linked"), "reading through a link is fine");
        assertEquals(Models.sha256(Models.BANKNOTE), servedSha("versions"));
        assertEquals(Models.sha256(Models.BANKNOTE), servedSha("file"));

        for (String name : List.of("linked", "versions", "file")) {
            CompletionException e = assertThrows(CompletionException.class, () -> install(name, Models.SPECIES), name);
            RepositoryException refused = (RepositoryException) e.getCause();
            assertEquals(RepositoryException.Kind.NOT_WRITABLE, refused.kind(), name);
            assertTrue(
                    refused.getMessage().contains("symbolic link")
                            && refused.getMessage().contains("outside")
                            && refused.getMessage().contains(name),
                    refused.getMessage());
            assertFalse(refused.getMessage().contains(outside.toString()), refused.getMessage());
            assertEquals(Models.sha256(Models.BANKNOTE), servedSha(name), "the served model stays");
        }
        assertEquals(Models.sha256(Models.BANKNOTE), Models.sha256(elsewhere));
        assertEquals(Models.sha256(Models.BANKNOTE), Models.sha256(elsewhereVersion));
        assertEquals(Models.sha256(Models.BANKNOTE), Models.sha256(elsewhereFile));
        assertFalse(Files.exists(outside.resolve("triton/2")), "no version directory made outside");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(
                    List.of("file.onnx", "linked", "versions"),
                    left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left");
        }
    }

    @Test
    void aLinkThatStaysInsideTheDirectoryMayBeWrittenThrough() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve(".store/model.onnx"));
        Files.createSymbolicLink(dir.resolve("alias"), dir.resolve(".store"));
        start();
        install("alias", Models.SPECIES);
        assertEquals(Models.sha256(Models.SPECIES), Models.sha256(dir.resolve(".store/model.onnx")));
        assertEquals(Models.sha256(Models.SPECIES), servedSha("alias"));
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
