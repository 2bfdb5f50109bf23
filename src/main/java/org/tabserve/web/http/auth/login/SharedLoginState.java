package org.tabserve.web.http.auth.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Grant;
import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.access.oidc.OidcTokens;
import org.tabserve.serving.access.oidc.SignedIn;
import org.tabserve.web.http.Json;

/**
 * The sessions and the marks of the sign-ins that came back in the fleet's shared store ({@code --shared-state}), so
 * that a person is not signed out by the balancer and the issuer may send them back to any replica, once: each under a
 * digest of its id, a session's value sealed under the id ({@link SessionSeal}); a sign-in under way is in its
 * browser's sealed pre-login cookie ({@link PreLogins}), never here. The store holds the idle and absolute timeouts
 * (an expiry, and the times checked at each use); the sealed value holds when the session was opened too, checked
 * again here, so that the store alone cannot make a session outlast its absolute timeout. A value that does not open,
 * or opens to what no replica wrote (a field missing, of another type, a scope that is none, a time ahead), is no
 * session. A sign-out ends the session in the store, for every replica at once.
 */
final class SharedLoginState implements LoginState {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@:-]{1,100}");
    /** The longest ID token a session keeps (the bearer tokens' bound, with room). */
    private static final int MAX_ID_TOKEN = 16 << 10;
    /** The most scopes a session keeps. */
    private static final int MAX_GRANTS = 1000;
    /** How far ahead of this replica's clock another's may be, for a session opened there. */
    private static final long SKEW_MILLIS = 60_000;

    private final SharedSessions store;
    private final SessionSeal seal;
    private final long idleMillis;
    private final long absoluteMillis;
    private final int maxPending;

    SharedLoginState(SharedSessions store, SessionSeal seal, LoginSettings settings) {
        this.store = store;
        this.seal = seal;
        this.idleMillis = settings.idle().toMillis();
        this.absoluteMillis = settings.absolute().toMillis();
        this.maxPending = settings.maxPending();
    }

    @Override
    public Sessions.Session open(SignedIn person) {
        String id = SessionIds.next();
        String csrf = SessionIds.next();
        long now = System.currentTimeMillis();
        ObjectNode value = Json.MAPPER.createObjectNode();
        value.put("n", person.name());
        com.fasterxml.jackson.databind.node.ArrayNode scopes = value.putArray("g");
        person.caller().grants().forEach(g -> scopes.add(g.toString()));
        value.put("t", person.idToken());
        value.put("x", person.untilMillis());
        value.put("c", csrf);
        value.put("s", now);
        String sealed = seal.seal(SessionSeal.Kind.SESSION, id, bytes(value));
        store.open(seal.key(SessionSeal.Kind.SESSION, id), sealed, now, idleMillis, absoluteMillis);
        return new Sessions.Session(id, person, csrf, System.nanoTime());
    }

    @Override
    public Sessions.Session find(String id) {
        if (!SessionIds.looksLikeId(id)) {
            return null;
        }
        long now = System.currentTimeMillis();
        SharedSessions.Stored stored =
                store.touch(seal.key(SessionSeal.Kind.SESSION, id), now, idleMillis, absoluteMillis);
        if (stored == null) {
            return null;
        }
        JsonNode value = SealedFields.object(seal.open(SessionSeal.Kind.SESSION, id, stored.sealed()));
        if (value == null) {
            return null;
        }
        String name = SealedFields.text(value, "n", 100);
        String token = SealedFields.text(value, "t", MAX_ID_TOKEN);
        String csrf = SealedFields.text(value, "c", 43);
        JsonNode grants = value.get("g");
        JsonNode until = value.get("x");
        JsonNode opened = value.get("s");
        if (name == null
                || !NAME.matcher(name).matches()
                || token == null
                || !SessionIds.looksLikeId(csrf)
                || grants == null
                || !grants.isArray()
                || grants.size() > MAX_GRANTS
                || until == null
                || !until.canConvertToExactIntegral()
                || opened == null
                || !opened.canConvertToExactIntegral()
                || opened.asLong() != stored.createdMillis()
                || opened.asLong() > now + SKEW_MILLIS
                || now - opened.asLong() > absoluteMillis) {
            return null;
        }
        List<Grant> scopes = new ArrayList<>(grants.size());
        for (JsonNode grant : grants) {
            if (!grant.isTextual() || grant.asText().length() > 200) {
                return null;
            }
            try {
                scopes.add(Grant.parse(grant.asText()));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        SignedIn person = new SignedIn(Caller.of(OidcTokens.PERSON_PREFIX + name, scopes), name, token, until.asLong());
        return new Sessions.Session(id, person, csrf, System.nanoTime());
    }

    @Override
    public void end(String id) {
        if (SessionIds.looksLikeId(id)) {
            store.end(seal.key(SessionSeal.Kind.SESSION, id));
        }
    }

    @Override
    public SharedSessions.Return returned(String id) {
        return store.returnLogin(
                seal.key(SessionSeal.Kind.LOGIN, id), LoginSettings.PENDING_FOR.toMillis(), maxPending);
    }

    private static byte[] bytes(ObjectNode value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
