package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Task;

class ModelRepositoryTest {

    @TempDir
    Path dir;

    private final Events events = new Events();
    private ModelRepository repository;

    @AfterEach
    void close() {
        if (repository != null) {
            repository.close();
        }
    }

    private ModelRepository start(RepositoryOptions options) {
        repository = new ModelRepository(options, events);
        repository.start().join();
        return repository;
    }

    private static ModelStatus ready(String name, long version) {
        return new ModelStatus(name, version, ModelState.READY, Optional.empty());
    }

    @Test
    void servesEveryLayoutAndTheHighestVersionOnUnversionedRequests() {
        Models.put(Models.BANKNOTE, dir.resolve("banknote/1/model.onnx"));
        Models.put(Models.BANKNOTE, dir.resolve("banknote/2/model.onnx"));
        Models.put(Models.SPECIES, dir.resolve("species.onnx"));
        Models.put(Models.BODY_MASS, dir.resolve("mass/model.onnx"));

        start(RepositoryOptions.of(dir));

        assertEquals(
                List.of(ready("banknote", 1), ready("banknote", 2), ready("mass", 1), ready("species", 1)),
                repository.index());
        assertTrue(repository.ready());
        try (Lease lease = repository.lease("banknote")) {
            assertEquals(2, lease.version());
            assertEquals(
                    "0",
                    lease.model().predict(Models.GENUINE_NOTE).classification().label());
        }
        try (Lease lease = repository.lease("banknote", 1)) {
            assertEquals(1, lease.version());
            assertEquals(
                    dir.resolve("banknote/1/model.onnx").toString(),
                    lease.model().source());
        }
        try (Lease lease = repository.lease("mass")) {
            assertEquals(Task.REGRESSION, lease.model().signature().task());
        }
        try (Lease lease = repository.lease("species")) {
            assertEquals(Models.sha256(Models.SPECIES), lease.model().sha256());
        }
        assertEquals(List.of(1L, 2L), repository.readyVersions("banknote"));
        assertEquals(Optional.of("banknote"), repository.defaultModel(), "first by name");
    }

    @Test
    void aVersionOrModelNotLoadedIsNotFoundSayingWhatIs() {
        Models.put(Models.BANKNOTE, dir.resolve("banknote/1/model.onnx"));
        Models.put(Models.BANKNOTE, dir.resolve("banknote/3/model.onnx"));
        start(RepositoryOptions.of(dir));

        RepositoryException version = assertThrows(RepositoryException.class, () -> repository.lease("banknote", 2));
        assertEquals(RepositoryException.Kind.NOT_FOUND, version.kind());
        assertTrue(
                version.getMessage().contains("version 2")
                        && version.getMessage().contains("[1, 3]"),
                version.getMessage());
        RepositoryException model = assertThrows(RepositoryException.class, () -> repository.lease("iris"));
        assertEquals(RepositoryException.Kind.NOT_FOUND, model.kind());
        assertTrue(model.getMessage().contains("[banknote]"), model.getMessage());
    }

    @Test
    void withoutANamedDefaultTheFirstReadyModelByNameAnswersElseTheFirstOfAll() {
        Models.putBroken(dir.resolve("aardvark.onnx"));
        Models.put(Models.SPECIES, dir.resolve("species.onnx"));
        Models.put(Models.BANKNOTE, dir.resolve("banknote.onnx"));
        assertEquals(
                Optional.of("banknote"),
                start(RepositoryOptions.of(dir)).defaultModel(),
                "the broken model sorts first but is not ready");
        repository.close();
        Path onlyBroken = dir.resolve("only-broken");
        Models.putBroken(onlyBroken.resolve("zebra.onnx"));
        Models.putBroken(onlyBroken.resolve("yak.onnx"));
        assertEquals(
                Optional.of("yak"),
                start(RepositoryOptions.of(onlyBroken)).defaultModel(),
                "none is ready: the first by name, so that the root routes say why");
    }

    /**
     * Issue 39, item 5: an uncarded model sorted first by name (the exporter's file, whose form opens empty) no longer
     * takes the front page from a carded one; with no carded model ready, the first ready one answers as before.
     */
    @Test
    void withoutANamedDefaultTheFirstCardedReadyModelByNameAnswers() {
        Models.put(Models.SPECIES, dir.resolve("aardvark.onnx")); // skl2onnx's file, no card
        Models.put(Models.BODY_MASS, dir.resolve("bison.onnx")); // no card either
        Models.put(Models.BANKNOTE, dir.resolve("zebra.onnx")); // the bundled model, carded
        assertEquals(Optional.of("zebra"), start(RepositoryOptions.of(dir)).defaultModel(), "the carded model");
        repository.close();
        Path uncarded = dir.resolve("uncarded");
        Models.put(Models.BODY_MASS, uncarded.resolve("bison.onnx"));
        Models.put(Models.SPECIES, uncarded.resolve("aardvark.onnx"));
        assertEquals(
                Optional.of("aardvark"),
                start(RepositoryOptions.of(uncarded)).defaultModel(),
                "no carded model: the first ready by name");
    }

    @Test
    void theDefaultModelIsTheNamedOneElseTheOnlyOne() {
        Models.put(Models.SPECIES, dir.resolve("species.onnx"));
        assertEquals(Optional.of("species"), start(RepositoryOptions.of(dir)).defaultModel());
        repository.close();
        Models.put(Models.BANKNOTE, dir.resolve("banknote.onnx"));
        RepositoryOptions named = new RepositoryOptions(Optional.of(dir), 10, Optional.of("species"), Duration.ZERO, 1);
        assertEquals(Optional.of("species"), start(named).defaultModel());
    }

    @Test
    void aFileThatFailsToLoadIsUnavailableWithItsReasonAndTheOlderVersionServes() {
        Models.put(Models.BANKNOTE, dir.resolve("banknote/1/model.onnx"));
        Models.putBroken(dir.resolve("banknote/2/model.onnx"));

        start(RepositoryOptions.of(dir));

        ModelStatus broken = repository.index().get(1);
        assertEquals(ModelState.UNAVAILABLE, broken.state());
        assertTrue(
                broken.reason().orElseThrow().contains("banknote/2/model.onnx"),
                broken.reason().toString());
        try (Lease lease = repository.lease("banknote")) {
            assertEquals(1, lease.version());
        }
        assertTrue(repository.ready(), "one version is ready");
        assertEquals(
                List.of("failed banknote 2", "loaded banknote 1"),
                events.all().stream().sorted().toList());
    }

    @Test
    void aModelWithNoReadyVersionIsUnavailableAndTheRepositoryNotReady() {
        Models.putBroken(dir.resolve("broken.onnx"));
        start(RepositoryOptions.of(dir));

        assertFalse(repository.ready());
        RepositoryException e = assertThrows(RepositoryException.class, () -> repository.lease("broken"));
        assertEquals(RepositoryException.Kind.UNAVAILABLE, e.kind());
        assertTrue(
                e.getMessage().contains("UNAVAILABLE") && e.getMessage().contains("cannot serve model"),
                e.getMessage());
    }

    @Test
    void loadsNoMoreThanMaxModelsAndSaysWhy() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve("a.onnx"));
        Models.put(Models.BANKNOTE, dir.resolve("b/1/model.onnx"));
        Models.put(Models.BANKNOTE, dir.resolve("b/2/model.onnx"));
        start(new RepositoryOptions(Optional.of(dir), 2, Optional.empty(), Duration.ZERO, 2));

        assertEquals(
                List.of(ModelState.READY, ModelState.READY, ModelState.UNAVAILABLE),
                repository.index().stream().map(ModelStatus::state).toList());
        String reason = repository.index().get(2).reason().orElseThrow();
        assertTrue(reason.contains("--max-models") && reason.contains("is 2"), reason);

        byte[] another = Files.readAllBytes(Models.BANKNOTE);
        CompletionException e = assertThrows(
                CompletionException.class,
                () -> repository.install("c", new ByteArrayInputStream(another)).join());
        assertEquals(RepositoryException.Kind.LIMIT, cause(e).kind());
    }

    @Test
    void loadAndUnloadByNameAsKServesAgentCallsThem() throws Exception {
        start(RepositoryOptions.of(dir));
        assertFalse(repository.ready(), "nothing to serve yet");
        assertEquals(
                RepositoryException.Kind.NOT_FOUND,
                assertThrows(RepositoryException.class, () -> repository.load("agent"))
                        .kind());

        Models.put(Models.BANKNOTE, dir.resolve("agent/model.onnx"));
        assertEquals(List.of(ready("agent", 1)), repository.load("agent").join());
        assertTrue(repository.ready());

        Lease inFlight = repository.lease("agent");
        repository.unload("agent").join();
        assertEquals(ModelState.UNLOADING, repository.index().get(0).state());
        assertEquals(
                RepositoryException.Kind.NOT_FOUND,
                assertThrows(RepositoryException.class, () -> repository.lease("agent"))
                        .kind());
        assertEquals(
                "0",
                inFlight.model().predict(Models.GENUINE_NOTE).classification().label(),
                "a request in flight finishes on its model");
        assertFalse(events.all().contains("unloaded agent 1"));

        Model model = inFlight.model();
        inFlight.close();
        assertEquals(List.of(), repository.index());
        assertEquals(List.of("loaded agent 1", "unloaded agent 1"), events.all());
        ModelException closed = assertThrows(
                ModelException.class,
                () -> model.predict(Models.GENUINE_NOTE),
                "the session closed with the last lease");
        assertEquals(ModelException.Kind.PREDICTION_FAILED, closed.kind());
    }

    @Test
    void anExplicitUnloadHoldsAcrossPollsUntilTheFilesChangeOrALoad() {
        Path file = Models.put(Models.BANKNOTE, dir.resolve("m.onnx"));
        start(new RepositoryOptions(Optional.of(dir), 10, Optional.empty(), Duration.ZERO, 2));
        repository.unload("m").join();
        repository.pollOnce().join();
        repository.pollOnce().join();
        assertEquals(List.of(), repository.index());

        assertEquals(List.of(ready("m", 1)), repository.load("m").join());
        repository.unload("m").join();
        Models.put(Models.SPECIES, file);
        repository.pollOnce().join();
        repository.pollOnce().join();
        assertEquals(List.of(ready("m", 1)), repository.index(), "a changed file is the directory's again");
    }

    @Test
    void installWritesTheFileIntoTheDirectoryAndServesIt() throws Exception {
        start(RepositoryOptions.of(dir));
        try (InputStream body = Files.newInputStream(Models.BANKNOTE)) {
            assertEquals(ready("notes", 1), repository.install("notes", body).join());
        }
        assertEquals(Models.sha256(Models.BANKNOTE), Models.sha256(dir.resolve("notes.onnx")));
        try (Lease lease = repository.lease("notes")) {
            assertEquals(
                    "0",
                    lease.model().predict(Models.GENUINE_NOTE).classification().label());
        }
        repository.pollOnce().join();
        repository.pollOnce().join();
        assertEquals(List.of("loaded notes 1"), events.all(), "a poll does not load the installed file again");
        assertEquals(List.of(dir.resolve("notes.onnx")), listing(), "no temporary file is left");
    }

    @Test
    void aBrokenInstallChangesNothing() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve("notes/4/model.onnx"));
        start(RepositoryOptions.of(dir));
        Lease before = repository.lease("notes");

        CompletionException failure = assertThrows(
                CompletionException.class,
                () -> repository
                        .install("notes", new ByteArrayInputStream(new byte[] {1, 2, 3}))
                        .join());
        assertEquals(RepositoryException.Kind.INVALID_MODEL, cause(failure).kind());
        assertTrue(failure.getCause().getMessage().contains("cannot serve model"), failure.getMessage());

        assertEquals(Models.sha256(Models.BANKNOTE), Models.sha256(dir.resolve("notes/4/model.onnx")));
        try (Lease after = repository.lease("notes")) {
            assertEquals(before.model(), after.model());
        }
        before.close();
        assertEquals(List.of(dir.resolve("notes/4/model.onnx")), listing(), "no temporary file is left");
        try (InputStream body = Files.newInputStream(Models.SPECIES)) {
            assertEquals(
                    ready("notes", 5),
                    repository.install("notes", body).join(),
                    "Triton's layout: a new version after the highest");
        }
        assertEquals(Models.sha256(Models.SPECIES), Models.sha256(dir.resolve("notes/5/model.onnx")));
    }

    @Test
    void refusesNamesThatAreNoUseAsFileNamesOrInUrls() throws Exception {
        start(RepositoryOptions.of(dir));
        for (String name : List.of("../etc", "a/b", "", ".hidden", "x.onnx", "a b")) {
            RepositoryException e = assertThrows(
                    RepositoryException.class,
                    () -> repository.install(name, new ByteArrayInputStream(new byte[0])),
                    name);
            assertEquals(RepositoryException.Kind.INVALID_NAME, e.kind(), name);
        }
        assertEquals(List.of(), listing());
    }

    @Test
    void aLoadThatThrowsAnErrorEndsUnavailableWithItsReasonAndEveryFutureCompletes() throws Exception {
        Models.put(Models.BANKNOTE, dir.resolve("crash/model.onnx"));
        Models.put(Models.BANKNOTE, dir.resolve("fine.onnx"));
        // What a file truncated under a memory-mapped read gives: an Error, not an exception.
        repository = new ModelRepository(RepositoryOptions.of(dir), events, file -> {
            if (file.toString().contains("crash")) {
                throw new InternalError("a fault occurred in an unsafe memory access operation");
            }
            return OnnxModelLoader.load(file);
        });
        repository.start().get(60, TimeUnit.SECONDS);

        ModelStatus crashed = repository.index().get(0);
        assertEquals("crash", crashed.name());
        assertEquals(ModelState.UNAVAILABLE, crashed.state());
        assertTrue(
                crashed.reason().orElseThrow().contains("crash")
                        && crashed.reason().orElseThrow().contains("loading failed unexpectedly"),
                crashed.toString());
        assertFalse(crashed.reason().orElseThrow().contains("InternalError"), "no Java class name: " + crashed);
        assertEquals(ModelState.READY, repository.index().get(1).state(), "the other model is not held up");

        List<ModelStatus> loaded = repository.load("crash").get(60, TimeUnit.SECONDS);
        assertEquals(
                List.of(ModelState.UNAVAILABLE),
                loaded.stream().map(ModelStatus::state).toList(),
                "an explicit load ends in a state too, with the reason the load route answers");

        byte[] model = Files.readAllBytes(Models.BANKNOTE);
        ExecutionException install = assertThrows(
                ExecutionException.class,
                () -> repository
                        .install("crash", new ByteArrayInputStream(model))
                        .get(60, TimeUnit.SECONDS));
        assertEquals(RepositoryException.Kind.INVALID_MODEL, cause(install).kind(), install.toString());
        assertTrue(
                listing().stream().noneMatch(p -> p.getFileName().toString().endsWith(".part")),
                "no temporary file is left");
    }

    @Test
    void reasonsNameTheModelAndSayWhatIsWrongWithoutTheServersPaths() throws Exception {
        Models.putBroken(dir.resolve("broken.onnx"));
        Models.putBroken(dir.resolve("versions/2/model.onnx"));
        start(RepositoryOptions.of(dir));
        String root = dir.toAbsolutePath().toString();

        for (ModelStatus status : repository.index()) {
            String reason = status.reason().orElseThrow();
            assertTrue(reason.contains(status.name()), reason);
            assertTrue(
                    reason.contains("not a valid ONNX model") || reason.contains("ONNX Runtime cannot read it"),
                    reason);
            assertFalse(reason.contains(root), reason);
        }
        RepositoryException lease = assertThrows(RepositoryException.class, () -> repository.lease("broken"));
        assertFalse(lease.getMessage().contains(root), lease.getMessage());

        CompletionException install = assertThrows(
                CompletionException.class,
                () -> repository
                        .install("junk", new ByteArrayInputStream(new byte[] {1, 2, 3}))
                        .join());
        String refused = cause(install).getMessage();
        assertTrue(refused.contains("junk"), refused);
        assertFalse(refused.contains(root) || refused.contains(".part"), refused);
    }

    @Test
    void aModelThatStaysUnavailableForTheSameReasonIsLoggedOnceNotAtEachPoll() throws Exception {
        for (int i = 0; i < 20; i++) {
            Models.put(Models.BANKNOTE, dir.resolve(String.format("m%02d.onnx", i)));
        }
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ModelRepository.class.getName());
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler counter = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(counter);
        try {
            start(new RepositoryOptions(Optional.of(dir), 5, Optional.empty(), Duration.ofHours(1), 2));
            assertEquals(
                    15,
                    repository.index().stream()
                            .filter(s -> s.state() == ModelState.UNAVAILABLE)
                            .count());
            assertEquals(15, warnings.size(), "one line per model that does not fit: " + warnings);
            for (int poll = 0; poll < 6; poll++) {
                repository.pollOnce().join();
            }
            assertEquals(15, warnings.size(), "no more lines while nothing changes: " + warnings.size());
            assertEquals(
                    15,
                    events.all().stream().filter(e -> e.startsWith("failed")).count(),
                    "the listener hears of each failure once too");
        } finally {
            log.removeHandler(counter);
        }
    }

    @Test
    void aFolderOfMoreModelFilesThanTheCeilingListsTheFirstAndNamesTheRestAsSkipped() throws Exception {
        for (int i = 0; i < 8; i++) { // not even models: each listed one is UNAVAILABLE, saying why
            Files.writeString(dir.resolve(String.format("m%02d.onnx", i)), "not a model");
        }
        start(new RepositoryOptions(Optional.of(dir), 2, Optional.empty(), Duration.ofHours(1), 2, 5));
        assertEquals(
                List.of("m00", "m01", "m02", "m03", "m04"),
                repository.index().stream().map(ModelStatus::name).toList(),
                "the first five by name are listed");
        assertEquals(3, repository.skippedCount());
        assertEquals(
                List.of("m05.onnx", "m06.onnx", "m07.onnx"),
                repository.skipped().stream().map(SkippedEntry::path).toList());
        SkippedEntry past = repository.skipped().get(0);
        assertTrue(past.reason().contains("holds 8 model versions"), past.reason());
        assertTrue(past.reason().contains(RepositoryOptions.MAX_MODEL_FILES), past.reason());
        assertTrue(past.fix().contains("TABSERVE_MAX_MODEL_FILES"), past.fix());
        RepositoryException load = assertThrows(RepositoryException.class, () -> repository.load("m07"));
        assertEquals(RepositoryException.Kind.LIMIT, load.kind(), "an explicit load says why, not 'no such model'");
        assertTrue(load.getMessage().contains(RepositoryOptions.MAX_MODEL_FILES), load.getMessage());
        Files.delete(dir.resolve("m00.onnx"));
        repository.pollOnce().join();
        assertEquals(2, repository.skippedCount(), "one fewer file: one fewer past the ceiling");
    }

    private List<Path> listing() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static RepositoryException cause(Throwable e) {
        Throwable t = e;
        while (!(t instanceof RepositoryException) && t.getCause() != null) {
            t = t.getCause();
        }
        return (RepositoryException) t;
    }

    @Test
    void withoutADirectoryItServesTheOneModelItIsGivenAndSwapsItUnderALease() throws Exception {
        start(RepositoryOptions.none());
        assertFalse(repository.ready(), "nothing served yet");
        Model first = OnnxModelLoader.load(Models.BANKNOTE);
        assertEquals(
                ready("banknote-authenticator", 1), repository.serve("banknote-authenticator", first, Duration.ZERO));
        assertTrue(repository.ready());
        assertEquals(Optional.of("banknote-authenticator"), repository.defaultModel());
        Lease held = repository.lease("banknote-authenticator");
        Model second = OnnxModelLoader.load(Models.BANKNOTE);
        assertEquals(
                ready("banknote-authenticator", 1),
                repository.serve("banknote-authenticator", second, Duration.ZERO),
                "the swap replaces version 1");
        assertEquals(
                "0",
                held.model().predict(Models.GENUINE_NOTE).classification().label(),
                "a lease taken before the swap still predicts on the model it began with");
        held.close();
        assertTrue(
                assertThrows(ModelException.class, () -> first.predict(Models.GENUINE_NOTE))
                        .getMessage()
                        .contains("has been closed"),
                "closed after its last lease");
        try (Lease lease = repository.lease("banknote-authenticator")) {
            assertTrue(lease.model() == second);
        }
        assertEquals(List.of("loaded banknote-authenticator 1", "loaded banknote-authenticator 1"), events.all());
        RepositoryException install = assertThrows(
                RepositoryException.class, () -> repository.install("other", new ByteArrayInputStream(new byte[0])));
        assertEquals(RepositoryException.Kind.NOT_WRITABLE, install.kind());
        assertTrue(install.getMessage().contains("without --models"), install.getMessage());
        assertEquals(
                RepositoryException.Kind.NOT_FOUND,
                assertThrows(RepositoryException.class, () -> repository.load("other"))
                        .kind());
        assertEquals(
                RepositoryException.Kind.INVALID_NAME,
                assertThrows(RepositoryException.class, () -> repository.serve("no spaces", second, Duration.ZERO))
                        .kind());
    }
}
