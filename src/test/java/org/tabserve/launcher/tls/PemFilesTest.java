package org.tabserve.launcher.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS flags' PEM files, made by {@code openssl} (docs/examples/tls-certs.sh) and read with the JDK alone: a chain
 * and a PKCS#8 RSA or EC key go into a key store in memory; a key others may read, a file that is not PEM, a PKCS#1
 * key and a key of another certificate are refused in words that name the flag and the file and quote no key.
 */
class PemFilesTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        DocCertificates.make(dir);
    }

    @Test
    void anRsaServerKeyAndAnEcClientKeyAreReadIntoAKeyStoreInMemory() throws Exception {
        SslContextFactory.Server ssl = TlsConnectors.context(
                dir.resolve("server.pem"), dir.resolve("server-key.pem"), Optional.of(dir.resolve("ca.pem")));
        KeyStore keys = ssl.getKeyStore();
        X509Certificate served = (X509Certificate) keys.getCertificate("tabserve");
        assertTrue(served.getSubjectX500Principal().getName().contains("CN=localhost"), served.toString());
        assertEquals(1, ssl.getTrustStore().size());
        assertTrue(ssl.getNeedClientAuth(), "--tls-client-ca asks every client for a certificate");
        assertEquals(
                "EC",
                PemFiles.privateKey(dir.resolve("notes-key.pem"), "--tls-key").getAlgorithm());
        assertEquals(
                List.of("CN=notes"),
                PemFiles.certificates(dir.resolve("notes.pem"), "--tls-cert").stream()
                        .map(c -> c.getSubjectX500Principal().getName())
                        .toList());
    }

    @Test
    void aKeyOthersMayReadIsRefusedInWords() throws Exception {
        Path key = copy("server-key.pem", "open-key.pem", "rw-r--r--");
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> TlsConnectors.context(dir.resolve("server.pem"), key, Optional.empty()));
        assertEquals(
                "--tls-key " + key + " can be read or written by other users (its permissions are rw-r--r--): whoever"
                        + " reads the key can pass for the server; tabserve reads a key only its own user can read"
                        + " (chmod 600 " + key + ")",
                refused.getMessage());
        Path groupKey = copy("server-key.pem", "group-key.pem", "rw-r-----");
        assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(groupKey, "--tls-key"));
    }

    /** Whoever could write the authority's file could add its own and pass for any client; the chain likewise. */
    @Test
    void aCertificateFileOthersMayWriteIsRefusedAndOneTheyMayReadIsNot() throws Exception {
        Path ca = copy("ca.pem", "open-ca.pem", "rw-rw-rw-");
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> TlsConnectors.context(dir.resolve("server.pem"), dir.resolve("server-key.pem"), Optional.of(ca)));
        assertEquals(
                "--tls-client-ca " + ca + " can be written by other users (its permissions are rw-rw-rw-): whoever"
                        + " writes it chooses which certificates the server trusts or presents (chmod go-w " + ca + ")",
                refused.getMessage());
        Path chain = copy("server.pem", "group-server.pem", "rw-rw-r--");
        assertThrows(
                IllegalArgumentException.class,
                () -> TlsConnectors.context(chain, dir.resolve("server-key.pem"), Optional.empty()));
        Path readable = copy("ca.pem", "readable-ca.pem", "rw-r--r--");
        TlsConnectors.context(dir.resolve("server.pem"), dir.resolve("server-key.pem"), Optional.of(readable));
    }

    @Test
    void aFileThatIsNotPemIsRefusedInWords() throws Exception {
        Path der = dir.resolve("server.der");
        Files.write(der, new byte[] {0x30, (byte) 0x82, 0x03, 0x01, 0x02});
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> TlsConnectors.context(der, dir.resolve("server-key.pem"), Optional.empty()));
        assertEquals(
                "--tls-cert " + der + " is not a PEM file (no -----BEGIN ...----- block with its -----END ...-----"
                        + " line); give the PEM text openssl writes, not DER or PKCS#12",
                refused.getMessage());
        IllegalArgumentException noCa = assertThrows(
                IllegalArgumentException.class,
                () -> TlsConnectors.context(
                        dir.resolve("server.pem"), dir.resolve("server-key.pem"), Optional.of(dir.resolve("none"))));
        assertEquals("--tls-client-ca " + dir.resolve("none") + " does not exist", noCa.getMessage());
        IllegalArgumentException keyAsCert = assertThrows(
                IllegalArgumentException.class,
                () -> TlsConnectors.context(
                        dir.resolve("server-key.pem"), dir.resolve("server-key.pem"), Optional.empty()));
        assertTrue(
                keyAsCert
                        .getMessage()
                        .startsWith("--tls-cert " + dir.resolve("server-key.pem") + " holds no certificate"),
                keyAsCert.getMessage());
        assertTrue(!keyAsCert.getMessage().contains("MII"), "no byte of the key is quoted");
    }

    @Test
    void aPkcs1KeyAndAnotherCertificatesKeyAreRefusedInWords() throws Exception {
        Path pkcs1 = dir.resolve("rsa-key.pem");
        Process openssl = new ProcessBuilder(
                        "openssl", "rsa", "-in", "server-key.pem", "-traditional", "-out", pkcs1.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, openssl.waitFor(), output);
        Files.setPosixFilePermissions(pkcs1, PosixFilePermissions.fromString("rw-------"));
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(pkcs1, "--tls-key"));
        assertTrue(
                refused.getMessage().contains("is a RSA PRIVATE KEY (PKCS#1 or SEC 1); tabserve reads a PKCS#8 key"),
                refused.getMessage());
        IllegalArgumentException other = assertThrows(
                IllegalArgumentException.class,
                () -> TlsConnectors.context(dir.resolve("server.pem"), dir.resolve("notes-key.pem"), Optional.empty()));
        assertTrue(
                other.getMessage().contains("is not the key of the first certificate of --tls-cert"),
                other.getMessage());
    }

    private static Path copy(String from, String to, String permissions) throws Exception {
        Path copy = dir.resolve(to);
        Files.copy(dir.resolve(from), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(permissions));
        return copy;
    }
}
