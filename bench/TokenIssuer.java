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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/**
 * bench/auth's OIDC issuer: an RSA key made at start, its discovery document and JWKS served by the JDK's HTTP server
 * on 127.0.0.1:PORT, and one RS256 token of its own printed on the first line of its output (iss this issuer, aud
 * AUDIENCE, azp CLIENT, scope "predict", exp an hour ahead). Runs until it is killed.
 * Usage: java -cp nimbus-jose-jwt-*.jar bench/TokenIssuer.java PORT AUDIENCE CLIENT
 */
public final class TokenIssuer {

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java -cp nimbus-jose-jwt-*.jar bench/TokenIssuer.java PORT AUDIENCE CLIENT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String issuer = "http://127.0.0.1:" + port;
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench-rsa").generate();
        String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> answer(exchange, discovery));
        server.createContext("/jwks", exchange -> answer(exchange, jwks));
        server.start();
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(args[1])
                .claim("azp", args[2])
                .claim("scope", "predict")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .build();
        SignedJWT token = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        token.sign(new RSASSASigner(key));
        System.out.println(token.serialize());
        System.out.flush();
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        try (exchange) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
