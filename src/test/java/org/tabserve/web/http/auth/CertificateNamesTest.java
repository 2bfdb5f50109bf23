package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.serving.access.ApiKeys;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.WebConfig;

/**
 * Issue 76, items 9 and 13: who a TLS client certificate names, with certificates {@code openssl} makes. A subject with
 * two CNs names no one (refused in words, not named by one of them); a CN with no line of the keys file names
 * {@code cert:CN}, a client apart from every keys file's client and OIDC's.
 */
class CertificateNamesTest {

    @TempDir
    Path dir;

    private X509Certificate certificate(String subject) throws Exception {
        Path pem = dir.resolve("c" + System.nanoTime() + ".pem");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:P-256",
                        "-nodes",
                        "-keyout",
                        dir.resolve("k.pem").toString(),
                        "-out",
                        pem.toString(),
                        "-days",
                        "1",
                        "-subj",
                        subject)
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, openssl.waitFor(), output);
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private Credentials credentials() throws Exception {
        Path keys = dir.resolve("keys");
        Files.write(keys, List.of("notes predict -", "ops read -"));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        AdminToken admin = new AdminToken(
                WebConfig.resolve(Map.<String, String>of()::get, Map.<String, String>of()::get, Map.of()),
                new TabserveMetrics());
        return new Credentials(
                Optional.of(ApiKeys.open(keys)),
                Optional.empty(),
                FeedbackToken.resolve(key -> Optional.empty(), admin));
    }

    @Test
    void aSubjectWithTwoCnsNamesNoOneInWords() throws Exception {
        String name = ClientCertificate.commonName(certificate("/CN=ops/O=Example/CN=notes"));
        assertEquals(ClientCertificate.SEVERAL_NAMES, name, "neither the first CN nor the last names the client");
        assertTrue(name.length() > ClientCertificate.MAX_NAME, "no CN is ever taken for the refusal");
        ServingException refused = assertThrows(
                ServingException.class,
                () -> credentials().callerOf(new AdminToken.Caller("GET /api/models", null, "127.0.0.1", name)));
        assertEquals(ServingException.Kind.UNAUTHENTICATED, refused.kind());
        assertTrue(refused.getMessage().contains("more than one CN"), refused.getMessage());
    }

    @Test
    void aCnOfALineIsThatClientAndAnyOtherIsACertificatesOwn() throws Exception {
        String notes = ClientCertificate.commonName(certificate("/O=Example/CN=notes"));
        assertEquals("notes", notes);
        Credentials credentials = credentials();
        Caller named = credentials.callerOf(new AdminToken.Caller("GET /api/models", null, "127.0.0.1", notes));
        assertEquals("notes", named.name(), "the keys file's line NAME SCOPES - is the certificate's client");
        Caller unlisted = credentials.callerOf(new AdminToken.Caller("GET /api/models", null, "127.0.0.1", "shop"));
        assertEquals("cert:shop", unlisted.name(), "a CN without a line is no keys file's client");
        assertEquals(List.of(), unlisted.grants());
    }
}
