package org.tabserve.web.http.auth.login;

import java.security.SecureRandom;
import java.util.Base64;

/** The ids of sessions, sign-ins under way and CSRF tokens: 32 random bytes each, URL-safe base64, never guessed. */
final class SessionIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionIds() {}

    /** @return a fresh id of 43 characters */
    static String next() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** @return whether {@code text} has an id's form (a cookie of another making is not looked up) */
    static boolean looksLikeId(String text) {
        return text != null && text.length() == 43 && text.chars().allMatch(SessionIds::idChar);
    }

    private static boolean idChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
