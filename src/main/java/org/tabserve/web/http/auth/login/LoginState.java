package org.tabserve.web.http.auth.login;

import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.access.oidc.SignedIn;

/**
 * Where the sign-in keeps its sessions and the marks of the sign-ins that came back: in this replica's memory
 * ({@link LocalLoginState}), or in the fleet's shared store ({@link SharedLoginState}, with {@code --shared-state}), so
 * that every replica finds them. A sign-in under way is kept in none: it is the browser's sealed pre-login cookie
 * ({@link PreLogins}). Each call of the shared one may refuse with {@code ServingException} UNAVAILABLE (503) when the
 * store does not answer: no session is ever taken from a failure.
 */
interface LoginState {

    /** @return a new session of {@code person}, under a fresh id */
    Sessions.Session open(SignedIn person);

    /** @return the session of the cookie's {@code id} (null: none), its use noted, or null when none or its time is up */
    Sessions.Session find(String id);

    /** Ends the session of {@code id} at once (for every replica, when shared), if there is one. */
    void end(String id);

    /**
     * Marks the sign-in of {@code id} (its pre-login cookie's) come back, once, and counts it in the window of
     * {@link LoginSettings#PENDING_FOR} ({@link LoginSettings#MAX_PENDING} at most; the fleet's, when shared).
     */
    SharedSessions.Return returned(String id);
}
