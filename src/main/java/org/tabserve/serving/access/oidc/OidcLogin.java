package org.tabserve.serving.access.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.SecretFile;
import org.tabserve.serving.budget.ServingException;

/**
 * The authorization code flow of a person's sign-in, with Nimbus' OAuth 2 SDK for its messages: the issuer's sign-in
 * address with PKCE (S256), a {@code state} and a {@code nonce} ({@link #start}); the code exchanged at its token
 * endpoint, a read held to the issuer's one deadline, and the ID token it brings checked by the bearer tokens' one check
 * for the audience of the login client ({@link #finish}); the issuer's sign-out address ({@link #endSession}). What a
 * sign-in keeps between its start and its end is the caller's to keep ({@link Pending}); this holds none of it. No
 * refusal holds a code, a secret, a token or a claim.
 */
public final class OidcLogin {

    /** The login client's id at the issuer; with an issuer, the pages get a sign-in. */
    public static final String CLIENT = "tabserve.oidc-login-client";
    /** The login client's secret itself (env {@code TABSERVE_OIDC_LOGIN_SECRET}). */
    public static final String SECRET = "tabserve.oidc-login-secret";
    /** A file holding the login client's secret, checked as the API keys file is and read by no one else. */
    public static final String SECRET_FILE = "tabserve.oidc-login-secret-file";
    /** The server's address as browsers reach it (behind a proxy), to which the issuer sends a person back. */
    public static final String REDIRECT_BASE = "tabserve.oidc-redirect-base";

    private static final Logger LOG = Logger.getLogger(OidcLogin.class.getName());
    private static final Scope SCOPES = new Scope("openid", "profile");

    private final OidcTokens tokens;
    private final ClientID client;
    private final Secret secret;
    private final Optional<URI> redirectBase;
    private final IssuerReads reads;

    /**
     * What one sign-in keeps between its start and its end, in the server's memory alone.
     *
     * @param state         the value the issuer must send back with the code
     * @param nonce         the value the ID token must carry
     * @param verifier      the PKCE code verifier, whose S256 challenge the start sent
     * @param redirect      where the issuer sends the person back to, the same in the exchange
     * @param authorization the issuer's sign-in address the browser is sent to
     */
    public record Pending(String state, String nonce, String verifier, URI redirect, URI authorization) {

        @Override
        public String toString() {
            return "Pending[" + redirect + "]"; // never the state, the nonce or the verifier
        }
    }

    OidcLogin(OidcTokens tokens, String client, String secret, Optional<URI> redirectBase) {
        this.tokens = tokens;
        this.client = new ClientID(client);
        this.secret = new Secret(secret);
        this.redirectBase = redirectBase;
        this.reads = tokens.reads("the OIDC issuer's token endpoint");
    }

    /**
     * The sign-in the settings ask for: a login client ({@link #CLIENT}) with an issuer, its secret given one way
     * ({@link #SECRET} or {@link #SECRET_FILE}).
     *
     * @throws IllegalArgumentException in words naming the setting, for a login client without an issuer or a
     *                                  secret, a secret given both ways, a secret file others may read or write, or
     *                                  a redirect base that is no http(s) URL
     */
    public static Optional<OidcLogin> open(Function<String, Optional<String>> lookup, Optional<OidcTokens> tokens) {
        Optional<String> client = given(lookup, CLIENT);
        Optional<String> secret = given(lookup, SECRET);
        Optional<String> file = given(lookup, SECRET_FILE);
        Optional<String> base = given(lookup, REDIRECT_BASE);
        if (client.isEmpty()) {
            if (secret.isPresent() || file.isPresent() || base.isPresent()) {
                throw new IllegalArgumentException("settings " + SECRET + ", " + SECRET_FILE + " and " + REDIRECT_BASE
                        + " belong to a sign-in: name its login client too (" + CLIENT + ")");
            }
            return Optional.empty();
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("setting " + CLIENT + " needs an issuer: give " + OidcTokens.ISSUER
                    + " and " + OidcTokens.AUDIENCE + " too");
        }
        if (!client.get().matches("[A-Za-z0-9._@:-]{1,100}")) {
            throw new IllegalArgumentException(
                    "setting " + CLIENT + " must be a client id of letters, digits and ._@:-");
        }
        if (secret.isPresent() == file.isPresent()) {
            throw new IllegalArgumentException("the login client " + client.get() + " needs its secret, given one way:"
                    + " in the variable TABSERVE_OIDC_LOGIN_SECRET (setting " + SECRET + ") or in a file ("
                    + SECRET_FILE + ")");
        }
        String text = secret.orElseGet(() -> SecretFile.read(Path.of(file.get()), SECRET_FILE));
        Optional<URI> redirectBase = base.map(OidcLogin::base);
        LOG.info("Sign-in for the pages through " + tokens.get().issuer() + " as the client " + client.get()
                + redirectBase.map(b -> ", people sent back to " + b).orElse(""));
        return Optional.of(new OidcLogin(tokens.get(), client.get(), text, redirectBase));
    }

    private static Optional<String> given(Function<String, Optional<String>> lookup, String setting) {
        return lookup.apply(setting).map(String::strip).filter(s -> !s.isEmpty());
    }

    private static URI base(String text) {
        String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        if (!trimmed.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
            throw new IllegalArgumentException("setting " + REDIRECT_BASE + " must be the server's http(s) address as"
                    + " browsers reach it, with no query (https://models.example.com, https://example.com/tabserve)");
        }
        return URI.create(trimmed);
    }

    /** @return the address browsers reach the server at, when it is set ({@link #REDIRECT_BASE}) */
    public Optional<URI> redirectBase() {
        return redirectBase;
    }

    /** @return the login client's id */
    public String client() {
        return client.getValue();
    }

    /**
     * @return the HMAC-SHA256 of {@code purpose}, a NUL and {@code text}, under the login client's secret: what every
     *         replica that shares the login client makes alike and nothing without the secret can, so that the shared
     *         sessions' keys and seals need no secret of their own (a new secret ends the sessions sealed under the
     *         old one)
     */
    public byte[] derive(String purpose, String text) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getValueBytes(), "HmacSHA256"));
            mac.update(purpose.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    /**
     * Starts a sign-in: a fresh state, nonce and PKCE verifier, and the issuer's sign-in address that asks for them.
     *
     * @param redirect where the issuer sends the person back to (the server's callback)
     * @throws ServingException UNAVAILABLE while the issuer's discovery document has not been read, or names no
     *                          authorization endpoint
     */
    public Pending start(URI redirect) {
        IssuerKeys.Endpoints endpoints = endpoints();
        if (endpoints.authorization() == null || endpoints.token() == null) {
            throw ServingException.of(
                    ServingException.Kind.UNAVAILABLE,
                    "the OIDC issuer " + tokens.issuer() + " names no authorization or token"
                            + " endpoint in its discovery document: people cannot sign in through it");
        }
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        URI authorization = new AuthenticationRequest.Builder(ResponseType.CODE, SCOPES, client, redirect)
                .endpointURI(URI.create(endpoints.authorization()))
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
        return new Pending(state.getValue(), nonce.getValue(), verifier.getValue(), redirect, authorization);
    }

    /**
     * Ends a sign-in: the code exchanged at the issuer's token endpoint (with the PKCE verifier and the client's
     * secret), and the ID token it brings checked for the login client and the sign-in's nonce.
     *
     * @throws ServingException UNAUTHENTICATED, in words, for a code the issuer refuses (one used already, or of
     *                          another sign-in) or an ID token that is not good; UNAVAILABLE for an issuer that does
     *                          not answer within its deadline
     */
    public SignedIn finish(Pending pending, String code) {
        IssuerKeys.Endpoints endpoints = endpoints();
        TokenRequest request = new TokenRequest(
                URI.create(endpoints.token()),
                new ClientSecretBasic(client, secret),
                new AuthorizationCodeGrant(
                        new AuthorizationCode(code), pending.redirect(), new CodeVerifier(pending.verifier())));
        HTTPRequest http = request.toHTTPRequest();
        HttpResponse<byte[]> answer;
        try {
            answer = reads.post(http.getURI(), http.getBody(), "Authorization", http.getAuthorization());
        } catch (IOException e) {
            throw ServingException.of(
                    ServingException.Kind.UNAVAILABLE,
                    "the OIDC issuer's token endpoint did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServingException.of(ServingException.Kind.UNAVAILABLE, "the sign-in was interrupted");
        }
        TokenResponse response;
        try {
            HTTPResponse parsed = new HTTPResponse(answer.statusCode());
            parsed.setContentType(answer.headers().firstValue("Content-Type").orElse("application/json"));
            parsed.setBody(new String(answer.body(), StandardCharsets.UTF_8));
            response = OIDCTokenResponseParser.parse(parsed);
        } catch (ParseException e) {
            throw OidcTokens.loginRefused("the issuer's token endpoint answered " + answer.statusCode()
                    + " with no token response an OIDC issuer gives");
        }
        if (!response.indicatesSuccess()) {
            String error = ((TokenErrorResponse) response).getErrorObject().getCode();
            throw OidcTokens.loginRefused("the issuer refused the code (" + (error == null ? "no reason" : error)
                    + "): it was used already, or is of another sign-in; sign in again");
        }
        if (!(response instanceof OIDCTokenResponse oidc)
                || oidc.getOIDCTokens().getIDTokenString() == null) {
            throw OidcTokens.loginRefused(
                    "the issuer's answer has no ID token (the sign-in asks for the scope openid)");
        }
        return signedIn(oidc.getOIDCTokens().getIDTokenString(), client.getValue(), pending.nonce());
    }

    /**
     * The person an ID token names, checked as a bearer token is (its signature by a key of the issuer's, its
     * {@code iss}, {@code exp} and {@code nbf}, its claims' types), for the audience {@code client} (the login client,
     * which its {@code azp} must name too when it has one) and with the {@code nonce} its sign-in sent. The person is
     * named {@code user:NAME}, NAME its {@code preferred_username} (else its {@code sub}), with the scopes of the same
     * claim as tokens' ({@link OidcTokens#SCOPES_CLAIM}).
     *
     * @throws ServingException UNAUTHENTICATED, saying why in words that hold none of the token's claims
     */
    SignedIn signedIn(String idToken, String client, String nonce) {
        JWTClaimsSet claims = tokens.verified(idToken, client, OidcTokens::loginRefused);
        Object azp = claims.getClaim("azp");
        if (azp != null && !client.equals(azp)) {
            throw OidcTokens.loginRefused("the ID token was given to another client than " + client + " (its azp)");
        }
        Object sent = claims.getClaim("nonce");
        if (!(sent instanceof String text)) {
            throw OidcTokens.loginRefused("the ID token has no nonce, and this sign-in sent one");
        }
        if (!java.security.MessageDigest.isEqual(
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                nonce.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw OidcTokens.loginRefused(
                    "the ID token's nonce is not the one this sign-in sent (a token of another sign-in)");
        }
        String name = person(claims);
        return new SignedIn(
                Caller.of(OidcTokens.PERSON_PREFIX + name, tokens.grants(claims)),
                name,
                idToken,
                OidcTokens.expiry(claims));
    }

    /** The name of the person an ID token names: its preferred_username, else its sub. */
    private static String person(JWTClaimsSet claims) {
        for (String claim : List.of("preferred_username", "sub")) {
            if (claims.getClaim(claim) instanceof String text
                    && OidcTokens.CLIENT_NAME.matcher(text).matches()) {
                return text;
            }
        }
        throw OidcTokens.loginRefused(
                "the ID token names no one: it needs preferred_username or sub, of letters, digits and" + " ._@:-");
    }

    /**
     * The issuer's sign-out address for a person who signed in with {@code idToken}, when its discovery document names
     * an {@code end_session_endpoint}: with {@code id_token_hint} and {@code post_logout_redirect_uri}.
     */
    public Optional<URI> endSession(String idToken, URI after) {
        IssuerKeys.Endpoints endpoints = tokens.endpoints();
        if (endpoints == null || endpoints.endSession() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LogoutRequest(
                            URI.create(endpoints.endSession()),
                            JWTParser.parse(idToken),
                            null,
                            client,
                            after,
                            null,
                            List.of())
                    .toURI());
        } catch (java.text.ParseException e) {
            return Optional.of(new LogoutRequest(URI.create(endpoints.endSession())).toURI());
        }
    }

    /**
     * The issuer's origin ({@code scheme://host[:port]}), where its sign-out is: the pages' forms may post there, as
     * the sign-out's form is redirected to its {@code end_session_endpoint} (a Content-Security-Policy's
     * {@code form-action} holds a form's redirects too).
     */
    public String issuerOrigin() {
        URI issuer = URI.create(tokens.issuer());
        return issuer.getScheme() + "://" + issuer.getRawAuthority();
    }

    private IssuerKeys.Endpoints endpoints() {
        IssuerKeys.Endpoints endpoints = tokens.endpoints();
        if (endpoints == null) {
            throw ServingException.of(
                    ServingException.Kind.UNAVAILABLE,
                    "the OIDC issuer " + tokens.issuer() + " has not been read yet: sign"
                            + " in again in a few seconds");
        }
        return endpoints;
    }

    @Override
    public String toString() {
        return "OidcLogin[" + client + "]"; // never the secret
    }
}
