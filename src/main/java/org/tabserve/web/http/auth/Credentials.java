package org.tabserve.web.http.auth;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.tabserve.serving.access.ApiKeys;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.oidc.OidcTokens;
import org.tabserve.serving.budget.ServingException;

/**
 * Who is calling: the one place a request's credentials (its bearer credential: a key of the API keys file, a token of
 * the OIDC issuer, the admin or the feedback token; else its TLS client certificate) become a {@link Caller}, for
 * {@link Access} to check what that caller may do.
 */
public final class Credentials {

    private static final Logger LOG = Logger.getLogger(Credentials.class.getName());

    private final Optional<ApiKeys> keys;
    private final Optional<OidcTokens> tokens;
    /** The admin and feedback tokens, as API keys. */
    private final FeedbackToken given;

    Credentials(Optional<ApiKeys> keys, Optional<OidcTokens> tokens, FeedbackToken given) {
        this.keys = keys;
        this.tokens = tokens;
        this.given = given;
    }

    /**
     * Reads the keys file the settings name, if any.
     *
     * @param lookup a setting's value by its name, in the web app's order
     * @throws IllegalArgumentException in words, for a keys file that is missing, writable by others or wrong
     */
    public static Optional<ApiKeys> keys(Function<String, Optional<String>> lookup) {
        Optional<ApiKeys> keys = lookup.apply(Access.API_KEYS).map(file -> ApiKeys.open(Path.of(file)));
        keys.ifPresent(k -> LOG.info("API keys: " + k.size() + " clients from " + k.file()
                + "; every route but /health/* needs Authorization: Bearer KEY"));
        return keys;
    }

    /**
     * Opens the OIDC issuer the settings name, if any ({@link OidcTokens#ISSUER}, {@link OidcTokens#AUDIENCE}): its
     * keys are read before this returns if the issuer gives them within {@link OidcTokens#READ_DEADLINE}, else in the
     * background.
     *
     * @param audit where each read of the issuer's keys, or failure to read them, is written
     * @throws IllegalArgumentException in words, for an issuer without an audience or one that is no URL
     */
    public static Optional<OidcTokens> tokens(Function<String, Optional<String>> lookup, AuditLog audit) {
        return OidcTokens.open(lookup, new OidcTokens.Events() {
            @Override
            public void keysRead(String detail) {
                audit.jwksRead(detail);
            }

            @Override
            public void keysFailed(String why) {
                audit.jwksFailed(why);
            }
        });
    }

    /** @return whether every route but health needs a credential (an API keys file or an OIDC issuer is given) */
    boolean locked() {
        return keys.isPresent() || tokens.isPresent();
    }

    /** @return the OIDC issuer whose tokens are taken, as its tokens' {@code iss} spells it, if one is given */
    public Optional<String> issuer() {
        return tokens.map(OidcTokens::issuer);
    }

    /** @return what a caller without a credential is told to send: the credentials this server takes, no other */
    String send() {
        if (keys.isPresent() && tokens.isPresent()) {
            return "send Authorization: Bearer KEY, KEY a key of the server's API keys file or a token of its OIDC"
                    + " issuer";
        }
        return keys.isPresent()
                ? "send Authorization: Bearer KEY, KEY a key of the server's API keys file"
                : "send Authorization: Bearer TOKEN, TOKEN a token of the server's OIDC issuer";
    }

    /** Stops asking the OIDC issuer for its keys, if it was being asked. */
    void close() {
        tokens.ifPresent(OidcTokens::close);
    }

    /**
     * The one place a credential becomes a caller.
     *
     * @param authorization the {@code Authorization} header (gRPC: the {@code authorization} metadata), or null
     * @return the caller it names: {@link Caller#OPEN} or {@link Caller#NOBODY} (whether the server asks for a
     *         credential) when it names none
     * @throws ServingException UNAUTHENTICATED for a bearer credential that is none of the server's, when it asks one
     */
    Caller caller(String authorization) {
        if (!AdminToken.isBearer(authorization)) {
            return locked() ? Caller.NOBODY : Caller.OPEN;
        }
        String token = authorization.substring(7).strip();
        ServingException tokenRefused = null;
        if (tokens.isPresent() && OidcTokens.looksLikeToken(token)) { // a JWT: header.claims.signature
            try {
                return tokens.get().callerOf(token);
            } catch (ServingException refused) {
                tokenRefused = refused; // unless it is the admin or feedback token, below
            }
        } else if (keys.isPresent()) {
            Optional<Caller> client = keys.get().callerOf(token);
            if (client.isPresent()) {
                return client.get();
            }
        }
        Optional<Caller> given = this.given.callerOf(token); // the admin token, or the feedback token: any answers'
        if (given.isPresent()) {
            return given.get();
        }
        if (tokenRefused != null) {
            throw tokenRefused;
        }
        if (locked()) {
            throw ServingException.unauthenticated("the bearer credential sent is not "
                    + (keys.isPresent() ? "a key of the server's API keys file" : "a token (a JWT)")
                    + ", nor its admin or feedback token");
        }
        return Caller.OPEN; // a server that asks no credential lets a stray one through, as it always has
    }

    /**
     * The caller a request names, with every credential of it: its bearer credential ({@link #caller(String)}) if it
     * sent one, else its TLS client certificate, whose CN is the client of the keys file's line of that name with the
     * key column {@code -}. A certificate whose name has no such line names a client with no scope, named
     * {@code cert:CN} so that it is never taken for a client of another kind: 403 on every route, as the TLS handshake
     * already told who it is. A certificate whose subject has several CNs names no one: 401 saying so.
     *
     * @throws ServingException UNAUTHENTICATED for a bearer credential that is none of the server's, or a certificate
     *                          with several CNs
     */
    Caller callerOf(AdminToken.Caller asker) {
        if (asker.certificate() == null || AdminToken.isBearer(asker.authorization()) || !locked()) {
            return caller(asker.authorization());
        }
        if (asker.certificate().equals(ClientCertificate.SEVERAL_NAMES)) {
            throw ServingException.unauthenticated(ClientCertificate.SEVERAL_NAMES);
        }
        return keys.flatMap(k -> k.callerNamed(asker.certificate()))
                .map(client -> client.ofKind(Caller.Kind.CERTIFICATE)) // a keys file's line, named by its certificate
                .orElseGet(() -> Caller.of(ClientCertificate.CLIENT_PREFIX + asker.certificate(), List.of()));
    }
}
