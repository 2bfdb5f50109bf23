package org.tabserve.web.http.auth.login;

import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.access.oidc.SignedIn;

/**
 * The sessions and the sign-ins that came back in this replica's memory alone: behind a load balancer, a browser must
 * be pinned to its replica (docs/security.md), or it signs in again on another.
 */
record LocalLoginState(Sessions sessions, ReturnedLogins returned) implements LoginState {

    LocalLoginState(LoginSettings settings) {
        this(new Sessions(settings), new ReturnedLogins(settings.maxPending()));
    }

    @Override
    public Sessions.Session open(SignedIn person) {
        return sessions.open(person);
    }

    @Override
    public Sessions.Session find(String id) {
        return sessions.find(id);
    }

    @Override
    public void end(String id) {
        sessions.end(id);
    }

    @Override
    public SharedSessions.Return returned(String id) {
        return returned.mark(id);
    }
}
