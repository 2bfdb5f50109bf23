package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md's table of reads from outside ("Reads from outside") and the code that reads from outside agree:
 * every class that bounds a read ({@code new ReadBound(}) is known here with the settings of its bound, each setting is
 * a name the code spells, and each has its place in the table; a new kind of read fails this test until it has its row.
 */
class OutboundReadsDocTest {

    private static final Path MAIN = Path.of("src/main/java");

    /** Each class that bounds a read from outside, and the settings its table row names. */
    private static final Map<String, List<String>> READS = Map.of(
            "org/tabserve/serving/access/oidc/OidcTokens.java",
                    List.of("tabserve.oidc-read-deadline", "tabserve.oidc-min-read-rate"),
            "org/tabserve/repository/s3/StoreReads.java",
                    List.of(
                            "tabserve.store-read-deadline",
                            "tabserve.store-download-deadline",
                            "tabserve.store-min-read-rate"),
            "org/tabserve/serving/shared/RedisDeadline.java", List.of("tabserve.redis-deadline"),
            "org/tabserve/serving/trace/otel/OtelTracing.java", List.of("otel.exporter.otlp.timeout"));

    @Test
    void everyReadFromOutsideHasItsRowWithItsSettings() throws IOException {
        TreeSet<String> bounding = new TreeSet<>();
        StringBuilder code = new StringBuilder();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                code.append(text);
                String name = MAIN.relativize(file).toString().replace('\\', '/');
                if (text.contains("new ReadBound(") && !name.startsWith("org/tabserve/outbound/")) {
                    bounding.add(name);
                }
            }
        }
        assertEquals(
                new TreeSet<>(READS.keySet()),
                bounding,
                "the classes that bound a read from outside: each has its row in operations.md's table and here");
        String operations = Files.readString(Path.of("docs/operations.md"));
        int start = operations.indexOf("\n## Reads from outside\n");
        assertTrue(start > 0, "operations.md has the section");
        int end = operations.indexOf("\n## ", start + 5);
        String table = operations.substring(start, end);
        for (Map.Entry<String, List<String>> read : READS.entrySet()) {
            for (String setting : read.getValue()) {
                assertTrue(code.indexOf('"' + setting + '"') >= 0, setting + " is a name the code spells");
                assertTrue(table.contains("`" + setting + "`"), setting + " (" + read.getKey() + ") has its row");
            }
        }
        assertTrue(
                Files.readString(Path.of("docs/security.md")).contains("operations.md#reads-from-outside"),
                "security.md points to the table");
    }
}
