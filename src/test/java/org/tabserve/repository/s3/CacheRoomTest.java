package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full model cache makes room only with the files of versions that do not serve, the least recently served first:
 * a version that serves (the repository says so, shadows and canaries included) is never evicted, not even when
 * nothing else would make room; while the repository has not told what serves (before it, and at its start), nothing
 * is evicted; a file just downloaded counts as just used.
 */
class CacheRoomTest {

    @TempDir
    Path root;

    private final Set<Path> serving = new HashSet<>();

    @Test
    void aFullCacheEvictsTheUnservedVersionAndNeverTheServedOne() {
        CacheRoom room = room();
        Map<String, CacheFolder.Entry> cached = cached(
                Map.of("banknote/1/model.onnx", 60L, "banknote/2/model.onnx", 40L, "banknote/rollout.json", 500L));
        serving.add(root.resolve("banknote/1/model.onnx"));

        Optional<Set<String>> served = room.noteServed();
        assertEquals(Optional.of(Set.of("banknote/1/model.onnx")), served);
        assertEquals(
                Optional.of(List.of("banknote/2/model.onnx")),
                room.toEvict(cached, served, Set.of(), 30),
                "the version that does not serve makes room");
        assertEquals(
                Optional.empty(),
                room.toEvict(cached, served, Set.of(), 41),
                "more than the unserved version frees: nothing is evicted, the served one least of all");
        assertEquals(
                Optional.empty(),
                room.toEvict(cached, served, Set.of("banknote/2/model.onnx"), 30),
                "a file being downloaded is not evicted");
    }

    @Test
    void anMlflowFolderThatServesKeepsEveryFileAndOneThatDoesNotMakesRoom() throws Exception {
        CacheRoom room = room();
        java.nio.file.Files.createDirectories(root.resolve("notes/1"));
        Map<String, CacheFolder.Entry> cached = cached(Map.of(
                "notes/1/MLmodel", 1L,
                "notes/1/model.xgb", 50L,
                "notes/2/MLmodel", 1L,
                "notes/2/model.xgb", 30L,
                "notes/rollout.json", 500L));
        serving.add(root.resolve("notes/1")); // what the repository serves an MLflow model from: its folder
        Optional<Set<String>> served = room.noteServed();
        assertEquals(
                Optional.of(List.of("notes/2/MLmodel", "notes/2/model.xgb")),
                room.toEvict(cached, served, Set.of(), 31),
                "the folder that does not serve makes room");
        assertEquals(
                Optional.empty(),
                room.toEvict(cached, served, Set.of(), 32),
                "the serving folder's files are never evicted, nor a rollout.json");
    }

    @Test
    void theLeastRecentlyServedGoFirstAndNeverServedBeforeThem() {
        CacheRoom room = room();
        Map<String, CacheFolder.Entry> cached =
                cached(Map.of("a.onnx", 10L, "b.onnx", 10L, "c.onnx", 10L, "never.onnx", 10L, "now.onnx", 10L));
        serving.addAll(List.of(root.resolve("a.onnx"), root.resolve("b.onnx"), root.resolve("now.onnx")));
        room.noteServed(); // refresh 1: a, b and now serve
        serving.remove(root.resolve("a.onnx"));
        serving.add(root.resolve("c.onnx"));
        room.noteServed(); // refresh 2: b, c and now
        serving.removeAll(List.of(root.resolve("b.onnx"), root.resolve("c.onnx")));
        Optional<Set<String>> served = room.noteServed(); // refresh 3: now alone

        assertEquals(
                Optional.of(List.of("never.onnx", "a.onnx", "b.onnx", "c.onnx")),
                room.toEvict(cached, served, Set.of(), 40));
        assertEquals(Optional.of(List.of("never.onnx", "a.onnx")), room.toEvict(cached, served, Set.of(), 15));
        assertEquals(Optional.empty(), room.toEvict(cached, served, Set.of(), 41), "now.onnx serves");
    }

    @Test
    void aFileJustDownloadedGoesAfterOnesLongUnserved() {
        CacheRoom room = room();
        Map<String, CacheFolder.Entry> cached = cached(Map.of("old.onnx", 10L, "new.onnx", 10L));
        serving.add(root.resolve("old.onnx"));
        room.noteServed();
        serving.clear();
        Optional<Set<String>> served = room.noteServed();
        room.downloaded("new.onnx");
        assertEquals(Optional.of(List.of("old.onnx")), room.toEvict(cached, served, Set.of(), 10));
    }

    @Test
    void untilTheRepositoryTellsWhatServesNothingIsEvicted() {
        CacheRoom room = new CacheRoom(root);
        Optional<Set<String>> served = room.noteServed();
        assertEquals(Optional.empty(), served);
        assertEquals(Optional.empty(), room.toEvict(cached(Map.of("a.onnx", 10L)), served, Set.of(), 1));
        room.serving(Optional::empty); // the repository's start: what the cache held may be about to serve
        assertEquals(Optional.empty(), room.noteServed());
    }

    private CacheRoom room() {
        CacheRoom room = new CacheRoom(root);
        room.serving(() -> Optional.of(Set.copyOf(serving)));
        return room;
    }

    private static Map<String, CacheFolder.Entry> cached(Map<String, Long> sizes) {
        Map<String, CacheFolder.Entry> cached = new TreeMap<>();
        sizes.forEach((path, size) -> cached.put(path, new CacheFolder.Entry("\"e\"", "0".repeat(64), size, "")));
        return cached;
    }
}
