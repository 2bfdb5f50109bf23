package org.tabserve.launcher.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tabserve.files.OwnerOnly;

/**
 * Reads the PEM files of the TLS flags with the JDK alone: a chain of certificates ({@code -----BEGIN CERTIFICATE-----}
 * blocks, the server's first), and an unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, RSA or
 * EC) that only the server's user may read. Every refusal is an {@link IllegalArgumentException} whose words name the
 * flag, the file and what to do; none quotes a byte of a key.
 */
final class PemFiles {

    /** The largest PEM file read: a chain of a few certificates is a few KB. */
    static final int MAX_BYTES = 1 << 20;

    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    /** One block of a PEM file: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}) and its DER bytes. */
    record Block(String label, byte[] der) {}

    private PemFiles() {}

    /**
     * The certificates of a PEM file, in its order.
     *
     * @param flag the flag that named it, as the refusals say
     */
    static List<X509Certificate> certificates(Path file, String flag) {
        checkOwned(file, flag, false);
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("every Java reads X.509 certificates", e);
        }
        for (Block block : blocks(read(file, flag), file, flag)) {
            if (!block.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(flag + " " + file + ": a CERTIFICATE block is not an X.509"
                        + " certificate (" + e.getMessage() + ")");
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(flag + " " + file + " holds no certificate: it needs a PEM block"
                    + " -----BEGIN CERTIFICATE-----, the server's own first, then those that signed it");
        }
        return chain;
    }

    /**
     * The private key of a PEM file that only the server's user can read.
     *
     * @param flag the flag that named it, as the refusals say
     */
    static PrivateKey privateKey(Path file, String flag) {
        checkPrivate(file, flag);
        List<Block> blocks = blocks(read(file, flag), file, flag);
        for (Block block : blocks) {
            switch (block.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(block.der(), file, flag);
                }
                case "ENCRYPTED PRIVATE KEY" ->
                    throw new IllegalArgumentException(flag + " " + file + " is an"
                            + " encrypted key; tabserve reads an unencrypted PKCS#8 key that only its user may read"
                            + " (openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pem)");
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
                    throw new IllegalArgumentException(flag + " " + file
                            + " is a " + block.label() + " (PKCS#1 or SEC 1); tabserve reads a PKCS#8 key, -----BEGIN"
                            + " PRIVATE KEY----- (openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pem)");
                default -> {
                    // a certificate beside the key, or another block: passed over
                }
            }
        }
        throw new IllegalArgumentException(flag + " " + file + " holds no private key: it needs a PEM block"
                + " -----BEGIN PRIVATE KEY----- (PKCS#8, RSA or EC)");
    }

    /**
     * Refuses a key that another user could read (or write), or owned by another user than the server's or root; a
     * link is followed and its target checked.
     */
    static void checkPrivate(Path file, String flag) {
        checkOwned(file, flag, true);
    }

    /**
     * Refuses a file another user could write (a certificate decides whom the server trusts, or whom it says it is),
     * or, when {@code secret}, read; or owned by another user than the server's or root. A link is followed and its
     * target checked.
     */
    private static void checkOwned(Path file, String flag, boolean secret) {
        Path real = realPath(file, flag);
        PosixFileAttributes attributes;
        try {
            attributes = OwnerOnly.attributes(real);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(flag + " " + file + " is on a file system without POSIX permissions,"
                    + " where tabserve cannot tell who may read or write it");
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + " cannot be read: " + e.getMessage());
        }
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(flag + " " + file + " is not a regular file; name the PEM file");
        }
        if (!secret && OwnerOnly.othersMayWrite(attributes.permissions())) {
            throw new IllegalArgumentException(flag + " " + file + " can be written by other users (its permissions"
                    + " are " + PosixFilePermissions.toString(attributes.permissions()) + "): whoever writes it"
                    + " chooses which certificates the server trusts or presents (chmod go-w " + file + ")");
        }
        if (secret
                && (OwnerOnly.othersMayRead(attributes.permissions())
                        || OwnerOnly.othersMayWrite(attributes.permissions()))) {
            throw new IllegalArgumentException(flag + " " + file + " can be read or written by other users (its"
                    + " permissions are " + PosixFilePermissions.toString(attributes.permissions()) + "): whoever"
                    + " reads the key can pass for the server; tabserve reads a key only its own user can read"
                    + " (chmod 600 " + file + ")");
        }
        var me = OwnerOnly.me(real);
        if (!OwnerOnly.ownedByMeOrRoot(attributes, me)) {
            throw new IllegalArgumentException(
                    flag + " " + file + " is owned by " + attributes.owner().getName()
                            + ", neither the server's user (" + me.get().getName() + ") nor root (chown "
                            + me.get().getName() + " " + file + ")");
        }
    }

    /**
     * Refuses a key that does not belong to the chain's first certificate: a signature made with it must verify with
     * the certificate's public key.
     */
    static void checkPair(PrivateKey key, X509Certificate certificate, Path keyFile, Path certFile) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] data = "tabserve".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            byte[] signature = signer.sign();
            PublicKey publicKey = certificate.getPublicKey();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(data);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " is not the key of the first certificate of"
                    + " --tls-cert " + certFile + " (the server's own must come first, then those that signed it)");
        }
    }

    private static PrivateKey pkcs8(byte[] der, Path file, String flag) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // another algorithm's key: the next is tried
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java has RSA and EC keys", e);
            }
        }
        throw new IllegalArgumentException(flag + " " + file + " is a PKCS#8 key that is neither RSA nor EC;"
                + " tabserve serves with an RSA or EC key");
    }

    /** The PEM blocks of a file's text. */
    static List<Block> blocks(byte[] bytes, Path file, String flag) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        flag + " " + file + ": a " + m.group(1) + " block is not base64 text");
            }
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(flag + " " + file + " is not a PEM file (no -----BEGIN ...----- block"
                    + " with its -----END ...----- line); give the PEM text openssl writes, not DER or PKCS#12");
        }
        return blocks;
    }

    private static Path realPath(Path file, String flag) {
        try {
            return file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(flag + " " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static byte[] read(Path file, String flag) {
        Path real = realPath(file, flag);
        if (!Files.isRegularFile(real)) {
            throw new IllegalArgumentException(flag + " " + file + " is not a regular file; name a PEM file");
        }
        try (InputStream in = Files.newInputStream(real)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException(
                        flag + " " + file + " has more than " + MAX_BYTES + " bytes; a PEM file is a few KB");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + " cannot be read: " + e.getMessage());
        }
    }
}
