package org.tabserve.web.http.auth.login;

import org.tabserve.serving.access.oidc.OidcLogin;
import org.tabserve.serving.access.oidc.SignedIn;

/**
 * The sessions and sign-ins under way in this replica's memory alone: behind a load balancer, a browser must be
 * pinned to its replica (docs/security.md), or it signs in again on another.
 */
record LocalLoginState(Sessions sessions, PendingLogins pending) implements LoginState {

    LocalLoginState(LoginSettings settings) {
        this(new Sessions(settings), new PendingLogins(settings.maxPending()));
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
    public String startLogin(OidcLogin.Pending started, String returnTo) {
        return pending.put(started, returnTo);
    }

    @Override
    public PendingLogins.Entry takeLogin(String id) {
        return pending.take(id);
    }
}
