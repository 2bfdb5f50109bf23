package org.tabserve.serving.access.oidc;

import org.tabserve.serving.access.Caller;

/**
 * A person the issuer signed in, from the ID token its sign-in brought ({@link OidcLogin#finish}).
 *
 * @param caller      the person as a caller, {@code user:NAME}, with the scopes of the tokens' claim
 * @param name        the name shown on the pages and in the logs, the only claim of the token they ever show
 * @param idToken     the ID token, kept in the server's memory alone as the hint of the issuer's sign-out
 * @param untilMillis when the ID token expires (epoch ms, with the clocks' skew)
 */
public record SignedIn(Caller caller, String name, String idToken, long untilMillis) {

    @Override
    public String toString() {
        return "SignedIn[" + name + "]"; // never the token
    }
}
