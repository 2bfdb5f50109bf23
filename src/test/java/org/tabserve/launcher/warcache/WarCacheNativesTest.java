package org.tabserve.launcher.warcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WarCacheNatives} takes out of the web app's ONNX Runtime jar the libraries of this platform alone, flat under
 * the target, and nothing when the web app has no such jar (another jar named like it is not read).
 */
class WarCacheNativesTest {

    @Test
    void onlyThisPlatformsLibrariesAreTakenOut(@TempDir Path dir) throws Exception {
        Optional<String> platform = WarCacheNatives.ortPlatform();
        assumeTrue(platform.isPresent(), "ONNX Runtime ships no library for this platform");
        Path lib = Files.createDirectories(dir.resolve("webapp/WEB-INF/lib"));
        try (OutputStream file = Files.newOutputStream(lib.resolve("onnxruntime-1.29.0.jar"));
                JarOutputStream jar = new JarOutputStream(file)) {
            for (String name : List.of(
                    "ai/onnxruntime/native/" + platform.get() + "/libonnxruntime.so",
                    "ai/onnxruntime/native/" + platform.get() + "/nested/skipped.so",
                    "ai/onnxruntime/native/other-arch/libonnxruntime.so",
                    "ai/onnxruntime/OrtSession.class")) {
                jar.putNextEntry(new JarEntry(name));
                jar.write(name.getBytes(StandardCharsets.UTF_8));
            }
        }
        Path target = dir.resolve("natives");

        WarCacheNatives.extractOrtNatives(dir.resolve("webapp"), target);

        try (Stream<Path> files = Files.list(target)) {
            assertEquals(
                    List.of("libonnxruntime.so"),
                    files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(
                "ai/onnxruntime/native/" + platform.get() + "/libonnxruntime.so",
                Files.readString(target.resolve("libonnxruntime.so")));
    }

    @Test
    void aWebAppWithoutOnnxRuntimeGivesNothing(@TempDir Path dir) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("webapp/WEB-INF/lib"));
        Files.write(lib.resolve("onnxruntime-extensions.jar"), new byte[0]); // not ONNX Runtime's: no version
        WarCacheNatives.extractOrtNatives(dir.resolve("webapp"), dir.resolve("natives"));
        assertFalse(Files.exists(dir.resolve("natives")));
    }
}
