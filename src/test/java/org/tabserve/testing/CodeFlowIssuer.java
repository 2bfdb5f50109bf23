package org.tabserve.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The authorization code flow of a {@link JoseIssuer}: its {@code /authorize} signs in the person it is told to at
 * once (no page: the test is the browser) and sends the browser back with a code; its {@code /token} takes each code
 * once, for the client, redirect and PKCE verifier it was given for, from a client that sends its secret, and answers
 * an ID token of its keys for that client with the sign-in's nonce, the person's name and scopes, changed as the test
 * says ({@link #tampers}) to play a forged one.
 */
public final class CodeFlowIssuer {

    /** The login client the issuer knows. */
    public static final String CLIENT = "tabserve-pages";
    /** Its secret. */
    public static final String SECRET = "pages-secret-0123456789abcdef";

    private final JoseIssuer issuer;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private volatile String user = "alice";
    private volatile String scope = "read predict:banknote";
    private volatile Consumer<JWTClaimsSet.Builder> tamper = claims -> {};

    /** What a code was given for. */
    private record Grant(String redirect, String nonce, String challenge, String user, String scope) {}

    private CodeFlowIssuer(JoseIssuer issuer) {
        this.issuer = issuer;
        issuer.serve("/authorize", this::authorize);
        issuer.serve("/token", this::token);
    }

    /** The code flow on {@code issuer}'s server. */
    public static CodeFlowIssuer on(JoseIssuer issuer) {
        return new CodeFlowIssuer(issuer);
    }

    /** Signs in {@code user} with {@code scope} (words as a token's scope claim) from now on, as it was. */
    public void signsIn(String user, String scope) {
        this.user = user;
        this.scope = scope;
        this.tamper = claims -> {};
    }

    /** Changes the claims of the ID tokens it gives from now on (after its own). */
    public void tampers(Consumer<JWTClaimsSet.Builder> tamper) {
        this.tamper = tamper;
    }

    /** @return how many codes were sent to its token endpoint */
    public int exchanges() {
        return exchanges.get();
    }

    private void authorize(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
            if (!"code".equals(query.get("response_type"))
                    || !CLIENT.equals(query.get("client_id"))
                    || !"S256".equals(query.get("code_challenge_method"))
                    || query.get("redirect_uri") == null) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            String code = UUID.randomUUID().toString();
            codes.put(
                    code,
                    new Grant(query.get("redirect_uri"), query.get("nonce"), query.get("code_challenge"), user, scope));
            exchange.getResponseHeaders()
                    .set(
                            "Location",
                            query.get("redirect_uri") + "?code=" + code + "&state="
                                    + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(302, -1);
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchanges.incrementAndGet();
            String basic = "Basic "
                    + Base64.getEncoder().encodeToString((CLIENT + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
            if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                json(exchange, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            Map<String, String> form =
                    form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Grant grant = form.get("code") == null ? null : codes.remove(form.get("code")); // each code once
            if (grant == null
                    || !"authorization_code".equals(form.get("grant_type"))
                    || !grant.redirect().equals(form.get("redirect_uri"))
                    || form.get("code_verifier") == null
                    || !s256(form.get("code_verifier")).equals(grant.challenge())) {
                json(exchange, 400, "{\"error\":\"invalid_grant\"}");
                return;
            }
            String idToken = issuer.token(JWSAlgorithm.RS256, claims -> {
                claims.audience(CLIENT)
                        .claim("azp", CLIENT)
                        .claim("preferred_username", grant.user())
                        .claim("scope", grant.scope());
                if (grant.nonce() != null) {
                    claims.claim("nonce", grant.nonce());
                }
                tamper.accept(claims);
            });
            json(
                    exchange,
                    200,
                    "{\"access_token\":\"an-access-token\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                            + "\"id_token\":\"" + idToken + "\"}");
        }
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
