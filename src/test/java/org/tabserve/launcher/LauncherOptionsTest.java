package org.tabserve.launcher;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherOptionsTest {

    @Test
    void defaultsToLoopbackPort8080AndTheBundledModel() throws Exception {
        LauncherOptions options = LauncherOptions.parse(new String[0], Map.of());
        assertEquals(new LauncherOptions("127.0.0.1", 8080, Optional.empty(), false), options);
    }

    @Test
    void flagsWinOverEnvironmentVariables() throws Exception {
        Map<String, String> env = Map.of("TABSERVE_PORT", "9000", "TABSERVE_HOST", "0.0.0.0", "TABSERVE_MODEL", "/env.onnx");
        assertEquals(new LauncherOptions("0.0.0.0", 9000, Optional.of("/env.onnx"), false),
                LauncherOptions.parse(new String[0], env));
        assertEquals(new LauncherOptions("::1", 9100, Optional.of("/flag.onnx"), false),
                LauncherOptions.parse(new String[]{"--port", "9100", "--host=::1", "--model", "/flag.onnx"}, env));
    }

    @Test
    void idleTimeoutAndHeaderLimitDefaultTo30SecondsAnd8KiBAndComeFromFlagsOrEnvironment() throws Exception {
        LauncherOptions defaults = LauncherOptions.parse(new String[0], Map.of());
        assertEquals(java.time.Duration.ofSeconds(30), defaults.idleTimeout());
        assertEquals(8192, defaults.maxHeaderBytes());
        Map<String, String> env = Map.of("TABSERVE_IDLE_TIMEOUT", "5", "TABSERVE_MAX_HEADER_BYTES", "4096");
        assertEquals(java.time.Duration.ofSeconds(5), LauncherOptions.parse(new String[0], env).idleTimeout());
        assertEquals(4096, LauncherOptions.parse(new String[0], env).maxHeaderBytes());
        LauncherOptions flags = LauncherOptions.parse(new String[]{"--idle-timeout", "2", "--max-header-bytes=16384"}, env);
        assertEquals(java.time.Duration.ofSeconds(2), flags.idleTimeout());
        assertEquals(16384, flags.maxHeaderBytes());
        assertThrows(LauncherOptions.UsageException.class, () -> LauncherOptions.parse(new String[]{"--idle-timeout", "0"}, Map.of()));
        assertThrows(LauncherOptions.UsageException.class, () -> LauncherOptions.parse(new String[]{"--max-header-bytes", "x"}, Map.of()));
    }

    @Test
    void headerTimeoutDefaultsTo20SecondsAndComesFromTheFlagOrTheEnvironment() throws Exception {
        assertEquals(java.time.Duration.ofSeconds(20), LauncherOptions.parse(new String[0], Map.of()).headerTimeout());
        Map<String, String> env = Map.of("TABSERVE_HEADER_TIMEOUT", "7");
        assertEquals(java.time.Duration.ofSeconds(7), LauncherOptions.parse(new String[0], env).headerTimeout());
        assertEquals(java.time.Duration.ofSeconds(3),
                LauncherOptions.parse(new String[]{"--header-timeout=3"}, env).headerTimeout());
        LauncherOptions.UsageException zero = assertThrows(LauncherOptions.UsageException.class,
                () -> LauncherOptions.parse(new String[]{"--header-timeout", "0"}, Map.of()));
        assertTrue(zero.getMessage().contains("--header-timeout"), zero.getMessage());
    }

    @Test
    void helpIsAnsweredWhateverElseIsGiven() throws Exception {
        assertTrue(LauncherOptions.parse(new String[]{"--port", "1", "--help"}, Map.of()).help());
    }

    @Test
    void refusesBadPortsUnknownFlagsAndMissingValuesWithAUsableMessage() {
        assertThrows(LauncherOptions.UsageException.class, () -> LauncherOptions.parse(new String[]{"--port", "http"}, Map.of()));
        assertThrows(LauncherOptions.UsageException.class, () -> LauncherOptions.parse(new String[]{"--port", "70000"}, Map.of()));
        assertThrows(LauncherOptions.UsageException.class, () -> LauncherOptions.parse(new String[0], Map.of("TABSERVE_PORT", "-1")));
        LauncherOptions.UsageException unknown = assertThrows(LauncherOptions.UsageException.class,
                () -> LauncherOptions.parse(new String[]{"--verbose"}, Map.of()));
        assertTrue(unknown.getMessage().contains("--verbose"));
        LauncherOptions.UsageException missing = assertThrows(LauncherOptions.UsageException.class,
                () -> LauncherOptions.parse(new String[]{"--model"}, Map.of()));
        assertTrue(missing.getMessage().contains("--model needs a value"));
    }
}
