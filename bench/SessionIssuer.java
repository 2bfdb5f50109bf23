import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * bench/session-page's OIDC issuer with the authorization code flow, so that a bench can sign a person in without a
 * real issuer: an RSA key made at start, its discovery document (with authorization_endpoint and token_endpoint) and
 * JWKS served by the JDK's HTTP server on 127.0.0.1:PORT; /authorize signs in USER at once (no page: curl is the
 * browser) and sends the browser back to redirect_uri with a code; /token takes each code once, from CLIENT with its
 * SECRET (HTTP Basic) and the PKCE verifier of its challenge, and answers an RS256 ID token (aud and azp CLIENT,
 * preferred_username USER, scope SCOPE, the sign-in's nonce, exp an hour ahead). Prints "ready" once it serves; runs
 * until it is killed. As the tests' CodeFlowIssuer, in one file the bench runs with the WAR's nimbus-jose-jwt.
 * Usage: java -cp nimbus-jose-jwt-*.jar bench/SessionIssuer.java PORT CLIENT SECRET USER SCOPE
 */
public final class SessionIssuer {

    private record Grant(String redirect, String nonce, String challenge) {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println(
                    "usage: java -cp nimbus-jose-jwt-*.jar bench/SessionIssuer.java PORT CLIENT SECRET USER SCOPE");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String client = args[1];
        String basic = "Basic "
                + Base64.getEncoder().encodeToString((client + ":" + args[2]).getBytes(StandardCharsets.UTF_8));
        String issuer = "http://127.0.0.1:" + port;
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench-rsa").generate();
        String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer + "/token\","
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        Map<String, Grant> codes = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> answer(exchange, 200, discovery));
        server.createContext("/jwks", exchange -> answer(exchange, 200, jwks));
        server.createContext("/authorize", exchange -> {
            try (exchange) {
                Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
                if (!"code".equals(query.get("response_type"))
                        || !client.equals(query.get("client_id"))
                        || !"S256".equals(query.get("code_challenge_method"))
                        || query.get("redirect_uri") == null
                        || query.get("state") == null) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                String code = UUID.randomUUID().toString();
                codes.put(code, new Grant(query.get("redirect_uri"), query.get("nonce"), query.get("code_challenge")));
                exchange.getResponseHeaders()
                        .set(
                                "Location",
                                query.get("redirect_uri") + "?code=" + code + "&state="
                                        + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(302, -1);
            }
        });
        server.createContext("/token", exchange -> {
            Map<String, String> form =
                    form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Grant grant = form.get("code") == null ? null : codes.remove(form.get("code"));
            if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    || grant == null
                    || !"authorization_code".equals(form.get("grant_type"))
                    || !grant.redirect().equals(form.get("redirect_uri"))
                    || form.get("code_verifier") == null
                    || !s256(form.get("code_verifier")).equals(grant.challenge())) {
                answer(exchange, 400, "{\"error\":\"invalid_grant\"}");
                return;
            }
            Instant now = Instant.now();
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                    .issuer(issuer)
                    .audience(client)
                    .claim("azp", client)
                    .claim("preferred_username", args[3])
                    .claim("scope", args[4])
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plusSeconds(3600)));
            if (grant.nonce() != null) {
                claims.claim("nonce", grant.nonce());
            }
            SignedJWT token = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims.build());
            try {
                token.sign(new RSASSASigner(key));
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IOException(e);
            }
            answer(
                    exchange,
                    200,
                    "{\"access_token\":\"bench\",\"token_type\":\"Bearer\",\"expires_in\":3600," + "\"id_token\":\""
                            + token.serialize() + "\"}");
        });
        server.start();
        System.out.println("ready");
        System.out.flush();
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        try (exchange) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new HashMap<>();
        if (encoded != null) {
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
