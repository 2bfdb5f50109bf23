package org.tabserve.web.http.auth.login;

import org.tabserve.serving.access.oidc.OidcLogin;
import org.tabserve.serving.access.oidc.SignedIn;

/**
 * Where the sign-in keeps its sessions and its sign-ins under way: in this replica's memory ({@link LocalLoginState}),
 * or in the fleet's shared store ({@link SharedLoginState}, with {@code --shared-state}), so that every replica finds
 * them. Each call of the shared one may refuse with {@code ServingException} UNAVAILABLE (503) when the store does not
 * answer: no session is ever taken from a failure.
 */
interface LoginState {

    /** @return a new session of {@code person}, under a fresh id */
    Sessions.Session open(SignedIn person);

    /** @return the session of the cookie's {@code id} (null: none), its use noted, or null when none or its time is up */
    Sessions.Session find(String id);

    /** Ends the session of {@code id} at once (for every replica, when shared), if there is one. */
    void end(String id);

    /** @return the id of a new sign-in under way, for its pre-login cookie */
    String startLogin(OidcLogin.Pending pending, String returnTo);

    /** @return the sign-in under way of {@code id}, taken out (null: none, or its time is past) */
    PendingLogins.Entry takeLogin(String id);
}
