package org.tabserve.serving.shared;

import java.nio.charset.StandardCharsets;

/**
 * The shared store's key names, all under {@link #PREFIX}, each model's name spelled with its length so that no two
 * names and ids meet ({@code a} and {@code b:c}, {@code a:b} and {@code c}); and the scripts' digests.
 */
final class RedisKeys {

    /** Every key the store writes begins so. */
    static final String PREFIX = "tabserve:";

    private RedisKeys() {}

    private static String spelled(String model) {
        return model.length() + ":" + model + ":";
    }

    static String answerKey(String model, String id) {
        return PREFIX + "a:" + spelled(model) + id;
    }

    static String seenKey(String model, String id) {
        return PREFIX + "s:" + spelled(model) + id;
    }

    static String liveKey(String model, long version, long bucket) {
        return PREFIX + "live:" + spelled(model) + version + ":" + bucket;
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
