package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a JVM's {@code -Xlog:class+load} file to check that a start took its classes from an AppCDS archive. */
public final class ArchivedClasses {

    private static final String FROM_ARCHIVE = "source: shared objects file (top)";

    private ArchivedClasses() {}

    /** What the log says of a class taken from an AOT cache (Java 24 and later; a static archive, not a top layer). */
    private static final String FROM_AOT_CACHE = "source: shared objects file";

    /** Each class named came from the archive, and so did most of those loaded. */
    public static void assertTakenFromArchive(Path classLoadLog, List<String> names) throws IOException {
        assertTakenFrom(classLoadLog, names, FROM_ARCHIVE);
    }

    /** Each class named came from the AOT cache, and so did most of those loaded. */
    public static void assertTakenFromAotCache(Path classLoadLog, List<String> names) throws IOException {
        assertTakenFrom(classLoadLog, names, FROM_AOT_CACHE);
    }

    /** Each class named, and most of those loaded, came from {@code source}: what ends their line of the log. */
    private static void assertTakenFrom(Path classLoadLog, List<String> names, String source) throws IOException {
        List<String> loaded = Files.readAllLines(classLoadLog);
        for (String name : names) {
            assertTrue(
                    loaded.stream().anyMatch(line -> line.contains("] " + name + " ") && line.endsWith(source)),
                    name + " is not taken from the archive: "
                            + loaded.stream()
                                    .filter(l -> l.contains("] " + name + " "))
                                    .findFirst()
                                    .orElse("not loaded at all"));
        }
        long fromArchive = loaded.stream().filter(line -> line.endsWith(source)).count();
        assertTrue(fromArchive * 2 > loaded.size(), fromArchive + " of " + loaded.size() + " classes from the archive");
    }
}
