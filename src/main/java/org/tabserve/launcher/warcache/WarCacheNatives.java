package org.tabserve.launcher.warcache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * ONNX Runtime's native libraries for this platform, taken out of its jar once beside the unpacked WAR, so that a
 * start does not extract 28 MB to a temporary directory as ONNX Runtime otherwise does. Bootstrap code at the WAR's
 * root: the JDK only.
 */
public final class WarCacheNatives {

    /** Where ONNX Runtime's Java binding looks for its native libraries instead of extracting them from its jar. */
    public static final String ORT_NATIVE_PATH = "onnxruntime.native.path";

    private WarCacheNatives() {}

    /**
     * Extracts this platform's libraries from {@code WEB-INF/lib/onnxruntime-*.jar} (its {@code
     * ai/onnxruntime/native/OS-ARCH/} directory, named as ONNX Runtime names it) into {@code target}; nothing when
     * the jar has none for this platform, and ONNX Runtime then does what it always did.
     */
    static void extractOrtNatives(Path webapp, Path target) throws IOException {
        Path lib = webapp.resolve("WEB-INF/lib");
        if (!Files.isDirectory(lib)) {
            return;
        }
        Optional<Path> ort;
        try (Stream<Path> jars = Files.list(lib)) {
            ort = jars.filter(p -> p.getFileName().toString().matches("onnxruntime-[0-9][^/]*\\.jar"))
                    .findFirst();
        }
        Optional<String> platform = ortPlatform();
        if (ort.isEmpty() || platform.isEmpty()) {
            return;
        }
        String prefix = "ai/onnxruntime/native/" + platform.get() + "/";
        try (JarFile jar = new JarFile(ort.get().toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                    Files.createDirectories(target);
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, target.resolve(name.substring(prefix.length())));
                    }
                }
            }
        }
    }

    /** This platform as ONNX Runtime's loader names it (OnnxRuntime.initOsArch): linux-x64, osx-aarch64, win-x64... */
    static Optional<String> ortPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin")
                ? "osx"
                : os.contains("win") ? "win" : os.contains("nux") ? "linux" : null;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "aarch64" : null;
        return o == null || a == null ? Optional.empty() : Optional.of(o + "-" + a);
    }
}
