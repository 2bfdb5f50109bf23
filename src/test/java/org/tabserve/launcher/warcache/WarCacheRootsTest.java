package org.tabserve.launcher.warcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WarCacheRoots} tries {@code $XDG_CACHE_HOME} first and the temporary directory last, creates a missing root
 * for its owner alone, and refuses, saying why, a root others may write to or one that is a symbolic link.
 */
class WarCacheRootsTest {

    private final List<String> said = new ArrayList<>();

    @Test
    void theRootsAreXdgCacheHomeThenTheTemporaryDirectory() {
        List<Path> roots = WarCacheRoots.roots(Map.of("XDG_CACHE_HOME", "/srv/cache"));
        assertEquals(Path.of("/srv/cache", "tabserve"), roots.get(0));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), roots.get(1).getParent());
        assertEquals(2, roots.size());
        assertEquals(
                Path.of(System.getProperty("user.home"), ".cache", "tabserve"),
                WarCacheRoots.roots(Map.of("XDG_CACHE_HOME", "relative")).get(0),
                "a relative XDG_CACHE_HOME is ignored");
    }

    @Test
    void aMissingRootIsCreatedForItsOwnerAlone(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("cache/tabserve");
        assertEquals(Optional.of(true), WarCacheRoots.secure(root, said::add));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertEquals(List.of(), said);
    }

    @Test
    void aRootOthersMayWriteToIsRefusedSayingWhy(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectory(dir.resolve("tabserve"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwx---"));
        assertEquals(Optional.of(false), WarCacheRoots.secure(root, said::add));
        assertEquals(1, said.size());
        assertTrue(said.get(0).contains("others may write to it (rwxrwx---)"), said.get(0));
    }

    @Test
    void aRootThatIsASymbolicLinkIsRefusedSayingWhy(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Path root = Files.createSymbolicLink(dir.resolve("tabserve"), real);
        assertEquals(Optional.of(false), WarCacheRoots.secure(root, said::add));
        assertTrue(said.get(0).contains("it is a symbolic link"), said.get(0));
    }
}
