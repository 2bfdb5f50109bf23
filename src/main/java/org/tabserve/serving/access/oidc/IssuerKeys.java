package org.tabserve.serving.access.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The signing keys of one OIDC issuer: found by its discovery document ({@code ISSUER/.well-known/openid-configuration}),
 * read from its JWKS, kept, and read again when a token names a key not among them, at most once every
 * {@code minRefresh} however many such tokens arrive (no refresh storm). An issuer that does not answer at start is
 * asked again in the background, as often, until it does; the start goes on meanwhile.
 */
final class IssuerKeys implements AutoCloseable {

    /** One key of the issuer's and the algorithms it verifies. */
    record Key(JWSVerifier verifier, Set<JWSAlgorithm> algorithms) {}

    /** The most a discovery document or a JWKS may weigh. */
    static final int MAX_DOCUMENT_BYTES = 1 << 20;

    private static final Logger LOG = Logger.getLogger(IssuerKeys.class.getName());

    private final String issuer;
    private final long minRefreshNanos;
    private final OidcTokens.Events events;
    private final HttpClient http;
    private final Object fetching = new Object();
    private final ScheduledExecutorService retries;
    private volatile Map<String, Key> keys;
    private volatile String problem = "its keys have not been read yet";
    private volatile long lastFetch;
    private volatile int fetches;

    /**
     * Reads the issuer's keys once before it returns; when they cannot be read, says so and goes on asking in the
     * background every {@code minRefresh} until they are.
     */
    IssuerKeys(String issuer, Duration minRefresh, OidcTokens.Events events) {
        this.issuer = issuer;
        this.minRefreshNanos = minRefresh.toNanos();
        this.events = events;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.lastFetch = System.nanoTime() - minRefreshNanos;
        synchronized (fetching) {
            fetch();
        }
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tabserve-oidc-keys");
            thread.setDaemon(true);
            return thread;
        });
        if (keys == null) {
            retries.scheduleWithFixedDelay(this::retry, minRefreshNanos, minRefreshNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** @return whether the keys have been read at least once */
    boolean ready() {
        return keys != null;
    }

    /** @return why the keys cannot be used yet, in words naming the issuer */
    String problem() {
        return problem;
    }

    /** @return how many times the discovery document and JWKS have been asked for */
    int fetches() {
        return fetches;
    }

    /**
     * The key {@code kid} names (null: the issuer's only key, if it has one), reading the keys again first when it is
     * unknown and they were last read {@code minRefresh} ago or more.
     *
     * @return the key, or null when the issuer has none such
     */
    Key key(String kid) {
        Key found = find(keys, kid);
        if (found != null) {
            return found;
        }
        if (System.nanoTime() - lastFetch < minRefreshNanos) {
            return null;
        }
        synchronized (fetching) {
            found = find(keys, kid);
            if (found == null && System.nanoTime() - lastFetch >= minRefreshNanos) {
                fetch();
                found = find(keys, kid);
            }
            return found;
        }
    }

    private static Key find(Map<String, Key> keys, String kid) {
        if (keys == null) {
            return null;
        }
        if (kid == null) {
            return keys.size() == 1 ? keys.values().iterator().next() : null;
        }
        return keys.get(kid);
    }

    private void retry() {
        synchronized (fetching) {
            if (keys == null) {
                fetch();
            }
        }
        if (keys != null) {
            retries.shutdown();
        }
    }

    /** Reads the discovery document and the JWKS it names; called holding {@link #fetching}. */
    private void fetch() {
        lastFetch = System.nanoTime();
        fetches++;
        try {
            String discovery = (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                    + "/.well-known/openid-configuration";
            Map<String, Object> document = JSONObjectUtils.parse(get(discovery));
            Object named = document.get("issuer");
            if (!issuer.equals(named)) {
                throw new IOException("its discovery document " + discovery + " names another issuer than " + issuer
                        + " (the setting must be the issuer exactly as the issuer spells it)");
            }
            Object jwksUri = document.get("jwks_uri");
            if (!(jwksUri instanceof String uri)) {
                throw new IOException("its discovery document " + discovery + " has no jwks_uri");
            }
            Map<String, Key> read = verifiers(JWKSet.parse(get(uri)));
            boolean first = keys == null;
            keys = read;
            problem = "";
            String detail = issuer + ": " + read.size() + " signing keys";
            if (first) {
                LOG.info("OIDC issuer " + detail);
            }
            events.keysRead(detail);
        } catch (IOException | ParseException | RuntimeException e) {
            String why = "the OIDC issuer " + issuer + " could not be read: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            if (keys == null) {
                problem = why + "; tokens are refused until it answers (asked again every "
                        + TimeUnit.NANOSECONDS.toSeconds(minRefreshNanos) + " s)";
                LOG.warning(problem);
            } else {
                LOG.warning(why + "; the keys it last gave are kept");
            }
            events.keysFailed(why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The keys that verify the algorithms tabserve takes: RSA (RS256, PS256) and EC P-256 (ES256). */
    private static Map<String, Key> verifiers(JWKSet set) throws IOException {
        Map<String, Key> found = new HashMap<>();
        for (JWK jwk : set.getKeys()) {
            if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                continue;
            }
            try {
                Key key = null;
                if (jwk instanceof RSAKey rsa) {
                    key = new Key(new RSASSAVerifier(rsa), Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256));
                } else if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                    key = new Key(new ECDSAVerifier(ec), Set.of(JWSAlgorithm.ES256));
                }
                if (key != null && jwk.getAlgorithm() != null) {
                    JWSAlgorithm named = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
                    key = key.algorithms().contains(named) ? new Key(key.verifier(), Set.of(named)) : null;
                }
                if (key != null) {
                    found.put(jwk.getKeyID() == null ? "" : jwk.getKeyID(), key);
                }
            } catch (JOSEException e) {
                LOG.fine("a key of the JWKS is left out: " + e.getMessage());
            }
        }
        if (found.size() > 1) {
            found.remove(""); // a key without a kid is found only as the issuer's only key
        }
        return Map.copyOf(found);
    }

    /** A document of the issuer's: 200, at most {@link #MAX_DOCUMENT_BYTES}. */
    private String get(String url) throws IOException, InterruptedException {
        URI uri = URI.create(url);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IOException(url + " is not an http(s) address");
        }
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(5))
                        .header("Accept", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (bytes.length > MAX_DOCUMENT_BYTES) {
                throw new IOException(url + " answered more than " + MAX_DOCUMENT_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
