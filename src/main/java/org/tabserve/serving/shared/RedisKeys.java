package org.tabserve.serving.shared;

import java.nio.charset.StandardCharsets;

/**
 * The shared store's key names, all under {@link #PREFIX}, each model's name spelled with its length so that no two
 * names and ids meet ({@code a} and {@code b:c}, {@code a:b} and {@code c}); and the scripts' digests. An answer to a
 * caller that sent no credential is kept under {@code a:MODEL:ID}, as before callers were told apart; one to a named
 * caller under {@code ac:MODEL:CALLER:ID}, the caller's name spelled with its length too (or, when it is longer than
 * {@link #MAX_SPELLED_CLIENT} or has other characters than a name's, as {@code #} and its SHA-256), so that each
 * caller's ids are its own: no id one caller chooses, nor any caller's name, makes another caller's key, and a key
 * stays within a few hundred bytes. A client's bucket of its rate is {@code rate:CLIENT:PERMITS/SECONDS}, the
 * client's name spelled the same way.
 */
final class RedisKeys {

    /** Every key the store writes begins so. */
    static final String PREFIX = "tabserve:";
    /** The longest caller's name a key spells as it is (the keys file's and OIDC's names are shorter). */
    static final int MAX_SPELLED_CLIENT = 128;

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._@:-]+");

    private RedisKeys() {}

    private static String spelled(String model) {
        return model.length() + ":" + model + ":";
    }

    /** The caller's part of a key: its name with its length, or {@code #} and its name's SHA-256 in hex. */
    private static String client(String owner) {
        return owner.length() <= MAX_SPELLED_CLIENT && NAME.matcher(owner).matches()
                ? spelled(owner)
                : "#" + sha256(owner) + ":";
    }

    static String answerKey(String model, String id) {
        return PREFIX + "a:" + spelled(model) + id;
    }

    /** The key of caller {@code owner}'s answer {@code id} ({@link #answerKey(String, String)} for no caller). */
    static String answerKey(String model, String owner, String id) {
        return owner.isEmpty() ? answerKey(model, id) : PREFIX + "ac:" + spelled(model) + client(owner) + id;
    }

    static String seenKey(String model, String id) {
        return PREFIX + "s:" + spelled(model) + id;
    }

    /** The mark of caller {@code owner}'s answer {@code id} ({@link #seenKey(String, String)} for no caller). */
    static String seenKey(String model, String owner, String id) {
        return owner.isEmpty() ? seenKey(model, id) : PREFIX + "sc:" + spelled(model) + client(owner) + id;
    }

    /**
     * The key of client {@code client}'s bucket of {@code permits} a {@code windowSeconds}: the client's name as the
     * configuration names it (never its credential), spelled as an answer's caller is; the rate in the key, so that a
     * client whose rate changes gets a new bucket, as the replica's own buckets do.
     */
    static String rateKey(String client, long permits, long windowSeconds) {
        return PREFIX + "rate:" + client(client) + permits + "/" + windowSeconds;
    }

    /** The key of a session, {@code digest} the hex digest of its id the web layer makes (never the id). */
    static String sessionKey(String digest) {
        return PREFIX + "session:" + digest;
    }

    /** The mark of a sign-in that came back (used once), {@code digest} the hex digest of its id. */
    static String loginKey(String digest) {
        return PREFIX + "login:" + digest;
    }

    /** The count of the fleet's sign-ins that came back in window {@code bucket}. */
    static String loginsKey(long bucket) {
        return PREFIX + "logins:" + bucket;
    }

    static String liveKey(String model, long version, long bucket) {
        return PREFIX + "live:" + spelled(model) + version + ":" + bucket;
    }

    /** @return the SHA-256 of {@code text}'s UTF-8 bytes, in hex */
    private static String sha256(String text) {
        try {
            byte[] digest =
                    java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha1(String script) {
        try {
            byte[] digest =
                    java.security.MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
