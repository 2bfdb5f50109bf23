package org.tabserve.web.http.auth.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import org.tabserve.serving.access.oidc.OidcLogin;
import org.tabserve.web.http.Json;

/**
 * A sign-in under way kept in the browser's pre-login cookie itself, so that a start costs the server no state at all
 * and no flood of starts can let go of anyone's sign-in: the cookie is a fresh random id, a dot, and what the start
 * made (state, nonce, PKCE verifier, the callback's address, the page to return to, the time it started) sealed under
 * that id with the fleet's secret ({@link SessionSeal}: AES-256-GCM, the login client's secret behind it). Only a
 * replica that holds the secret opens it, and a cookie changed in a single bit, made up, sealed with another secret or
 * older than {@link LoginSettings#PENDING_FOR} is no sign-in. That it is used once is the callback's to keep
 * ({@link LoginState#returned}, by its id).
 */
final class PreLogins {

    /** The longest text a sealed sign-in's field may hold once opened (a state, nonce, verifier, address or page). */
    private static final int MAX_FIELD = 4096;

    /**
     * A sign-in under way, as its cookie holds it.
     *
     * @param id       the cookie's id, by which its one use is marked
     * @param pending  what its start made
     * @param returnTo the page to return to
     */
    record Entry(String id, OidcLogin.Pending pending, String returnTo) {

        @Override
        public String toString() {
            return "PreLogins.Entry[" + returnTo + "]"; // never the id, the state, the nonce or the verifier
        }
    }

    /** The longest page to return to a cookie keeps (a longer one returns to {@code /}), so it stays under 4 KiB. */
    static final int MAX_RETURN_TO = 1024;
    /** How far ahead of this replica's clock another's may be, for a sign-in started there. */
    private static final long SKEW_MILLIS = 60_000;

    private final SessionSeal seal;

    PreLogins(SessionSeal seal) {
        this.seal = seal;
    }

    /** @return the pre-login cookie's value for the sign-in {@code pending} started, to return to {@code returnTo} */
    String seal(OidcLogin.Pending pending, String returnTo) {
        String id = SessionIds.next();
        ObjectNode value = Json.MAPPER.createObjectNode();
        value.put("st", pending.state());
        value.put("no", pending.nonce());
        value.put("ve", pending.verifier());
        value.put("re", pending.redirect().toString());
        value.put("to", returnTo.length() > MAX_RETURN_TO ? "/" : returnTo);
        value.put("s", System.currentTimeMillis());
        try {
            return id + "." + seal.seal(SessionSeal.Kind.LOGIN, id, Json.MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the sign-in under way the cookie's {@code value} holds, or null (none, not one sealed here, too old) */
    Entry open(String value) {
        int dot = value == null ? -1 : value.indexOf('.');
        if (dot < 0 || !SessionIds.looksLikeId(value.substring(0, dot))) {
            return null;
        }
        String id = value.substring(0, dot);
        JsonNode sealed = SealedFields.object(seal.open(SessionSeal.Kind.LOGIN, id, value.substring(dot + 1)));
        if (sealed == null) {
            return null;
        }
        String state = SealedFields.text(sealed, "st", MAX_FIELD);
        String nonce = SealedFields.text(sealed, "no", MAX_FIELD);
        String verifier = SealedFields.text(sealed, "ve", MAX_FIELD);
        String redirect = SealedFields.text(sealed, "re", MAX_FIELD);
        String returnTo = SealedFields.text(sealed, "to", MAX_FIELD);
        JsonNode started = sealed.get("s");
        long now = System.currentTimeMillis();
        if (state == null
                || nonce == null
                || verifier == null
                || redirect == null
                || returnTo == null
                || !LoginFilter.localPath(returnTo).equals(returnTo)
                || started == null
                || !started.canConvertToExactIntegral()
                || now - started.asLong() > LoginSettings.PENDING_FOR.toMillis()
                || started.asLong() > now + SKEW_MILLIS) {
            return null;
        }
        URI back;
        try {
            back = URI.create(redirect);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new Entry(id, new OidcLogin.Pending(state, nonce, verifier, back, back), returnTo);
    }
}
