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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.tabserve.outbound.BoundedBody;
import org.tabserve.outbound.OutboundRead;
import org.tabserve.outbound.ReadBound;

/**
 * The signing keys of one OIDC issuer: found by its discovery document ({@code ISSUER/.well-known/openid-configuration}),
 * read from its JWKS, kept, and read again in the background when a token names a key not among them, at most one read
 * at a time and at most once every {@code minRefresh} however many such tokens arrive (no refresh storm). No request
 * ever waits on a read: a token whose key is unknown is refused at once while its read goes on, and one whose key the
 * read brings is taken on a later request. Every read is held to one {@link ReadBound} (a total deadline and a minimum
 * rate, both settings), past which it is abandoned and counted. The start waits for the first read at most the
 * deadline; an issuer that does not answer by then is asked again in the background, every {@code minRefresh}, until it
 * does.
 */
final class IssuerKeys implements AutoCloseable {

    /** One key of the issuer's and the algorithms it verifies. */
    record Key(JWSVerifier verifier, Set<JWSAlgorithm> algorithms) {}

    /**
     * Where the issuer's discovery document says a person signs in and out: its {@code authorization_endpoint},
     * {@code token_endpoint} and {@code end_session_endpoint}, each null when it names none.
     */
    record Endpoints(String authorization, String token, String endSession) {}

    /** The most a discovery document or a JWKS may weigh. */
    static final int MAX_DOCUMENT_BYTES = 1 << 20;

    private static final Logger LOG = Logger.getLogger(IssuerKeys.class.getName());

    private final String issuer;
    private final long minRefreshNanos;
    private final ReadBound discoveryBound;
    private final ReadBound jwksBound;
    private final OidcTokens.Events events;
    private final HttpClient http;
    private final ScheduledExecutorService reader;
    /** Whether a read is asked for or under way: at most one at a time. */
    private final AtomicBoolean reading = new AtomicBoolean();

    private volatile Map<String, Key> keys;
    private volatile Endpoints endpoints;
    private volatile String problem;
    /** When the last read was asked for (System.nanoTime). */
    private volatile long lastAsked;

    private volatile int fetches;

    /**
     * Starts reading the issuer's keys and waits for that read at most {@code bound}'s deadline; when they are not read
     * by then, the start goes on, and they are asked for in the background every {@code minRefresh} until they are.
     *
     * @param bound the bound of every read from the issuer (its discovery document's and its JWKS's)
     */
    IssuerKeys(String issuer, Duration minRefresh, ReadBound bound, OidcTokens.Events events) {
        this.issuer = issuer;
        this.minRefreshNanos = minRefresh.toNanos();
        this.discoveryBound = bound.named("the OIDC issuer's discovery document");
        this.jwksBound = bound.named("the OIDC issuer's JWKS");
        this.events = events;
        this.problem = "the keys of the OIDC issuer " + issuer + " are being read (tokens are refused until they are;"
                + " a read takes at most " + bound.deadline().toMillis() + " ms)";
        this.http = HttpClient.newBuilder()
                .sslContext(
                        org.tabserve.outbound.ClientTls
                                .context()) // GlassFish leaves the JVM's default impossible to make
                .connectTimeout(bound.deadline())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tabserve-oidc-keys");
            thread.setDaemon(true);
            return thread;
        });
        this.lastAsked = System.nanoTime() - minRefreshNanos;
        CountDownLatch first = new CountDownLatch(1);
        readIfDue(first::countDown);
        try {
            if (!first.await(bound.deadline().toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warning("the OIDC issuer " + issuer + " has not given its keys within "
                        + bound.deadline().toMillis() + " ms; the start goes on and they are read in the background"
                        + " (tokens are refused until they are)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.scheduleWithFixedDelay(
                () -> {
                    if (keys == null) {
                        readIfDue(() -> {});
                    }
                },
                minRefreshNanos,
                minRefreshNanos,
                TimeUnit.NANOSECONDS);
    }

    /** @return whether the keys have been read at least once */
    boolean ready() {
        return keys != null;
    }

    /** @return the endpoints of the discovery document last read, or null before one is */
    Endpoints endpoints() {
        return endpoints;
    }

    /** @return why the keys cannot be used yet, in words naming the issuer */
    String problem() {
        return problem;
    }

    /** @return whether a read of the issuer's keys is asked for or under way */
    boolean reading() {
        return reading.get();
    }

    /** @return how many times the discovery document and JWKS have been asked for */
    int fetches() {
        return fetches;
    }

    /**
     * The key {@code kid} names (null: the issuer's only key, if it has one), never waiting: when it is unknown and
     * the keys were last asked for {@code minRefresh} ago or more, they are read again in the background, and a
     * later request finds the key if the read brings it.
     *
     * @return the key, or null when the keys at hand have none such
     */
    Key key(String kid) {
        Key found = find(keys, kid);
        if (found == null) {
            readIfDue(() -> {});
        }
        return found;
    }

    /**
     * Asks for a read of the keys in the background when none is under way and the last was asked for
     * {@code minRefresh} ago or more; never waits. {@code done} runs once the read is over, or at once when none is
     * asked for.
     */
    void readIfDue(Runnable done) {
        long now = System.nanoTime();
        if (now - lastAsked < minRefreshNanos || !reading.compareAndSet(false, true)) {
            done.run();
            return;
        }
        if (now - lastAsked < minRefreshNanos) { // another thread asked in between
            reading.set(false);
            done.run();
            return;
        }
        lastAsked = now;
        try {
            reader.execute(() -> {
                try {
                    fetch();
                } finally {
                    reading.set(false);
                    done.run();
                }
            });
        } catch (RejectedExecutionException e) { // closed
            reading.set(false);
            done.run();
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

    /** Reads the discovery document and the JWKS it names; on the reader's thread alone. */
    private void fetch() {
        fetches++;
        try {
            String discovery = (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                    + "/.well-known/openid-configuration";
            Map<String, Object> document = JSONObjectUtils.parse(get(discovery, discoveryBound));
            Object named = document.get("issuer");
            if (!issuer.equals(named)) {
                throw new IOException("its discovery document " + discovery + " names another issuer than " + issuer
                        + " (the setting must be the issuer exactly as the issuer spells it)");
            }
            Object jwksUri = document.get("jwks_uri");
            if (!(jwksUri instanceof String uri)) {
                throw new IOException("its discovery document " + discovery + " has no jwks_uri");
            }
            Map<String, Key> read = verifiers(JWKSet.parse(get(uri, jwksBound)));
            endpoints = new Endpoints(
                    url(document, "authorization_endpoint"),
                    url(document, "token_endpoint"),
                    url(document, "end_session_endpoint"));
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

    /** The http(s) URL a discovery document gives under {@code name}, or null for none or one of another kind. */
    private static String url(Map<String, Object> document, String name) {
        return document.get(name) instanceof String text && text.matches("https?://\\S+") ? text : null;
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

    /**
     * A document of the issuer's: 200, at most {@link #MAX_DOCUMENT_BYTES}, read whole within {@code bound}'s deadline
     * and rate (else abandoned, in words naming the setting).
     */
    private String get(String url, ReadBound bound) throws IOException, InterruptedException {
        URI uri = URI.create(url);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IOException(url + " is not an http(s) address");
        }
        HttpResponse<byte[]> response =
                send(HttpRequest.newBuilder(uri).header("Accept", "application/json"), url, bound);
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /**
     * Posts a form to the issuer ({@code token_endpoint}'s code exchange) through the client its documents are read
     * with, held to {@code bound} from the request sent to the last byte of its answer (at most
     * {@link #MAX_DOCUMENT_BYTES}).
     *
     * @param headers the request's headers, name and value in turn
     * @return the answer's status and body, whatever its status
     */
    HttpResponse<byte[]> post(URI uri, String form, ReadBound bound, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request, uri.toString(), bound);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, String url, ReadBound bound)
            throws IOException, InterruptedException {
        try (OutboundRead read = bound.begin()) {
            return ReadBound.await(
                    read,
                    http.sendAsync(
                            request.timeout(bound.deadline()).build(), new BoundedBody(read, MAX_DOCUMENT_BYTES, url)));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof IOException io
                    ? io
                    : new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
