package org.tabserve.launcher.warcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WarCacheCleaner} keeps the version in use and the {@link WarCacheCleaner#KEEP} - 1 most recently used
 * others, and removes older versions, the trash of cut-short removals and directories whose filler died long ago,
 * while a directory being filled now stays.
 */
class WarCacheCleanerTest {

    private static Path directory(Path root, String name, Duration age) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name).resolve("webapp"));
        Files.writeString(dir.resolve("index.html"), "x");
        Files.setLastModifiedTime(dir.getParent(), FileTime.from(Instant.now().minus(age)));
        return dir.getParent();
    }

    @Test
    void theVersionInUseAndTheNewestOthersStayTheRestGoes(@TempDir Path root) throws Exception {
        Path inUse = directory(root, WarCacheRoots.VERSION_PREFIX + "inuse", Duration.ofDays(30));
        for (int hours = 1; hours <= 5; hours++) {
            directory(root, WarCacheRoots.VERSION_PREFIX + hours + "h", Duration.ofHours(hours));
        }
        directory(root, WarCacheRoots.TRASH_PREFIX + "cut-short", Duration.ZERO);
        directory(root, WarCacheRoots.FILLING_PREFIX + "died", Duration.ofMinutes(11));
        directory(root, WarCacheRoots.FILLING_PREFIX + "filling-now", Duration.ofMinutes(1));

        WarCacheCleaner.clean(root, inUse);

        try (Stream<Path> left = Files.list(root)) {
            assertEquals(
                    List.of(
                            WarCacheRoots.FILLING_PREFIX + "filling-now",
                            WarCacheRoots.VERSION_PREFIX + "1h",
                            WarCacheRoots.VERSION_PREFIX + "2h",
                            WarCacheRoots.VERSION_PREFIX + "inuse"),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
