package org.tabserve.launcher.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The certificates docs/security.md makes, made the same way for a test: docs/examples/tls-certs.sh run by
 * {@code openssl} in the test's folder (ca.pem, server.pem and server-key.pem, notes.pem and notes-key.pem).
 */
final class DocCertificates {

    /** The doc's script. */
    static final Path SCRIPT = Path.of("docs", "examples", "tls-certs.sh").toAbsolutePath();

    private DocCertificates() {}

    /** Runs the doc's script in {@code dir}, which must end well. */
    static void make(Path dir) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder("sh", SCRIPT.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, openssl.waitFor(), output);
    }
}
