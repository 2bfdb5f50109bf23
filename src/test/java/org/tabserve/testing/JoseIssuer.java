package org.tabserve.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real OIDC issuer of the test's own: an RSA and an EC P-256 key made when it starts, its discovery document and
 * JWKS served by the JDK's HTTP server on a free port, and tokens signed with its keys. Counts the JWKS's reads,
 * answers 503 while {@link #down} is set, as an issuer that is not up yet, leaves a key out of its JWKS while it is
 * {@link #withhold withheld} (a key the issuer has not published yet), and may be {@link #seenAt seen at} another
 * address (a proxy of the test's in front of it), which its documents and tokens then name. Its discovery document
 * names the code flow's endpoints too ({@code /authorize}, {@code /token}, {@code /logout}), which
 * {@link CodeFlowIssuer} serves.
 */
public final class JoseIssuer implements AutoCloseable {

    private final HttpServer server;
    private final RSAKey rsa;
    private final ECKey ec;
    private final AtomicInteger jwksReads = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile String withheld;
    private volatile URI seenAt;

    private JoseIssuer(boolean startDown) throws IOException, JOSEException {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        down.set(startDown);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/.well-known/openid-configuration",
                exchange -> answer(
                        exchange,
                        "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer()
                                + "/jwks\",\"authorization_endpoint\":\"" + issuer()
                                + "/authorize\",\"token_endpoint\":\""
                                + issuer() + "/token\",\"end_session_endpoint\":\"" + issuer() + "/logout\","
                                + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\",\"PS256\"]}"));
        server.createContext("/jwks", exchange -> {
            jwksReads.incrementAndGet();
            List<JWK> published = List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK()).stream()
                    .filter(key -> !key.getKeyID().equals(withheld))
                    .toList();
            answer(exchange, new JWKSet(published).toString());
        });
        server.start();
    }

    /** An issuer that answers at once. */
    public static JoseIssuer start() throws IOException, JOSEException {
        return new JoseIssuer(false);
    }

    /** An issuer that answers 503 until {@link #up}. */
    public static JoseIssuer startDown() throws IOException, JOSEException {
        return new JoseIssuer(true);
    }

    private void answer(HttpExchange exchange, String json) throws IOException {
        try (exchange) {
            if (down.get()) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /**
     * Serves {@code path} with {@code handler} as well: the code flow's endpoints ({@code /authorize}, {@code /token}),
     * which its discovery document names ({@link CodeFlowIssuer}).
     */
    public void serve(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** Answers from now on. */
    public void up() {
        down.set(false);
    }

    /** @return the issuer's URL, as its tokens' iss spells it: where it is {@link #seenAt seen at} */
    public String issuer() {
        return seenAt != null ? seenAt.toString() : address().toString();
    }

    /** @return where its server listens, {@code http://127.0.0.1:PORT} */
    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Names {@code uri} (a proxy in front of it) as its address, in its documents and tokens, from now on. */
    public void seenAt(URI uri) {
        String text = uri.toString();
        seenAt = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    /** Leaves the key {@code kid} ({@code "ec-1"}, {@code "rsa-1"}) out of its JWKS from now on; null: none. */
    public void withhold(String kid) {
        withheld = kid;
    }

    /** @return how many times its JWKS was read */
    public int jwksReads() {
        return jwksReads.get();
    }

    /** @return its RSA key, private part included */
    public RSAKey rsa() {
        return rsa;
    }

    /** A token of {@code client} for {@code audience} with {@code scope}, valid five minutes, signed RS256. */
    public String token(String client, String audience, String scope) {
        return token(
                JWSAlgorithm.RS256,
                claims -> claims.claim("azp", client).audience(audience).claim("scope", scope));
    }

    /**
     * A token signed with {@code alg} (RS256, PS256 with the RSA key, ES256 with the EC key), its claims this issuer's,
     * valid five minutes from now, then changed by {@code claims}.
     */
    public String token(JWSAlgorithm alg, Consumer<JWTClaimsSet.Builder> claims) {
        return token(alg, alg == JWSAlgorithm.ES256 ? ec.getKeyID() : rsa.getKeyID(), claims);
    }

    /** As {@link #token(JWSAlgorithm, Consumer)}, its header naming the key {@code kid}. */
    public String token(JWSAlgorithm alg, String kid, Consumer<JWTClaimsSet.Builder> claims) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(issuer())
                .subject("s-1")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
        claims.accept(builder);
        try {
            JWSSigner signer = alg == JWSAlgorithm.ES256 ? new ECDSASigner(ec) : new RSASSASigner(rsa);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), builder.build());
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
