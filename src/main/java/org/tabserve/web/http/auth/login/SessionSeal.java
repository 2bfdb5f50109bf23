package org.tabserve.web.http.auth.login;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.BiFunction;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.access.oidc.OidcLogin;

/**
 * How a session goes into the shared store, and a sign-in under way into its browser's pre-login cookie
 * ({@link PreLogins}), without its id, its tokens or its claims in clear:
 * its key is a digest of its id (HMAC-SHA256 under the login client's secret, {@link OidcLogin#derive}), and its value
 * is sealed with AES-256-GCM under another such digest of its id, its kind bound in as associated data. Only a replica
 * that holds the login client's secret and is handed the id (by the browser's cookie) finds and opens it: a reader of
 * the store learns nothing, and a value planted there, or a sign-in's value put in a session's place, does not open
 * and is taken as none.
 */
final class SessionSeal {

    /** What is sealed: a session, or a sign-in under way. */
    enum Kind {
        SESSION("session"),
        LOGIN("sign-in");

        private final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BiFunction<String, String, byte[]> derive;

    /** @param derive the HMAC-SHA256 of a purpose and a text under the fleet's secret ({@link OidcLogin#derive}) */
    SessionSeal(BiFunction<String, String, byte[]> derive) {
        this.derive = derive;
    }

    /** @return the store's key of {@code id}: 64 hex digits, from which the id cannot be found */
    String key(Kind kind, String id) {
        return HexFormat.of().formatHex(derive.apply("tabserve " + kind.word + " key", id));
    }

    /** @return {@code plain} sealed under {@code id}, in URL-safe base64 */
    String seal(Kind kind, String id, byte[] plain) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, kind, id, iv);
            byte[] sealed = cipher.doFinal(plain);
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length)
                            .put(iv)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES-GCM", e);
        }
    }

    /** @return what {@code sealed} holds, or null when it is not a value sealed under {@code id} for {@code kind} */
    byte[] open(Kind kind, String id, String sealed) {
        if (sealed == null || sealed.length() > SharedSessions.MAX_VALUE) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes.length < IV_BYTES + TAG_BITS / 8) {
            return null;
        }
        try {
            byte[] iv = java.util.Arrays.copyOf(bytes, IV_BYTES);
            return cipher(Cipher.DECRYPT_MODE, kind, id, iv).doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            return null; // not sealed under this id, for this kind: planted, or of another
        }
    }

    private Cipher cipher(int mode, Kind kind, String id, byte[] iv) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                mode,
                new SecretKeySpec(derive.apply("tabserve " + kind.word + " seal", id), "AES"),
                new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(kind.word.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
