package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OnnxEnvironment} creates ONNX Runtime's environment on a thread with a deep stack: a JVM whose command line
 * is 100,000 characters long (a Jetty base's class path under long paths, or long {@code -D} options) loads a model,
 * where creating it on the loading thread's 1 MB stack ended the JVM with SIGSEGV from about 4,000 characters on.
 */
class OnnxEnvironmentTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void aModelLoadsInAJvmWhoseCommandLineIsAHundredThousandCharactersLong(@TempDir Path dir) throws Exception {
        LoadInOwnJvm.Outcome child = LoadInOwnJvm.run(
                Path.of("model.onnx"), dir, false, List.of("-Dtabserve.test.padding=" + "x".repeat(100_000)));
        assertEquals(0, child.status(), "exit status; output:\n" + child.output());
        assertTrue(child.output().lines().anyMatch(line -> line.startsWith("loaded ")), child.output());
    }
}
