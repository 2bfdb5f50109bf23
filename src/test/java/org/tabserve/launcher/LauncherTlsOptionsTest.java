package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The TLS flags ({@link LauncherOptions.Tls}): off by default, each from its flag or its variable (a flag winning), a
 * certificate only with its key and a client CA only with both, refused otherwise with the flags and variables named.
 */
class LauncherTlsOptionsTest {

    @Test
    void tlsIsOffByDefaultAndComesFromTheFlagsOrTheVariables() throws Exception {
        assertEquals(
                Optional.empty(),
                LauncherArguments.parse(new String[0], Map.of()).tls());
        Map<String, String> env = Map.of(
                "TABSERVE_TLS_CERT", "/env/cert.pem",
                "TABSERVE_TLS_KEY", "/env/key.pem",
                "TABSERVE_TLS_CLIENT_CA", "/env/ca.pem");
        assertEquals(
                Optional.of(new LauncherOptions.Tls(
                        Path.of("/env/cert.pem"), Path.of("/env/key.pem"), Optional.of(Path.of("/env/ca.pem")))),
                LauncherArguments.parse(new String[0], env).tls());
        assertEquals(
                Optional.of(new LauncherOptions.Tls(
                        Path.of("/flag/cert.pem"), Path.of("/env/key.pem"), Optional.of(Path.of("/env/ca.pem")))),
                LauncherArguments.parse(new String[] {"--tls-cert=/flag/cert.pem"}, env)
                        .tls());
        assertEquals(
                Optional.of(new LauncherOptions.Tls(Path.of("c.pem"), Path.of("k.pem"), Optional.empty())),
                LauncherArguments.parse(new String[] {"--tls-cert", "c.pem", "--tls-key", "k.pem"}, Map.of())
                        .tls());
    }

    @Test
    void aCertificateWithoutItsKeyOrAClientCaWithoutTheServersIsRefusedNamingTheFlags() {
        LauncherOptions.UsageException alone = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--tls-cert", "c.pem"}, Map.of()));
        assertTrue(
                alone.getMessage()
                        .startsWith("--tls-cert and --tls-key (TABSERVE_TLS_CERT, TABSERVE_TLS_KEY) go" + " together"),
                alone.getMessage());
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[0], Map.of("TABSERVE_TLS_KEY", "k.pem")));
        LauncherOptions.UsageException ca = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--tls-client-ca", "ca.pem"}, Map.of()));
        assertTrue(ca.getMessage().contains("give the server's own with --tls-cert and --tls-key"), ca.getMessage());
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--tls-key"}, Map.of()),
                "a flag needs its value");
    }
}
