package org.tabserve.serving.access.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.tabserve.outbound.ReadBound;

/**
 * The signing keys of one OIDC issuer, as Nimbus' {@link JWKSource} of the tokens' one processor: found by its
 * discovery document ({@code ISSUER/.well-known/openid-configuration}), read from its JWKS, kept, and read again in the
 * background when a token names a key not among them, at most one read at a time and at most once every
 * {@code minRefresh} however many such tokens arrive (no refresh storm). No request ever waits on a read (which is why
 * this is not Nimbus' caching {@code JWKSourceBuilder}, whose cache reads an unknown key's set on the request's thread):
 * a token whose key is unknown is refused at once while its read goes on, and one whose key the read brings is taken on
 * a later request. Every read goes through {@link IssuerReads}, held to one {@link ReadBound}, past which it is
 * abandoned and counted. The start waits for the first read at most the deadline; an issuer that does not answer by
 * then is asked again in the background, every {@code minRefresh}, until it does.
 */
final class IssuerKeys implements JWKSource<SecurityContext>, AutoCloseable {

    /**
     * Where the issuer's discovery document says a person signs in and out: its {@code authorization_endpoint},
     * {@code token_endpoint} and {@code end_session_endpoint}, each null when it names none.
     */
    record Endpoints(String authorization, String token, String endSession) {}

    private static final Logger LOG = Logger.getLogger(IssuerKeys.class.getName());

    private final String issuer;
    private final long minRefreshNanos;
    private final IssuerReads discoveryReads;
    private final IssuerReads jwksReads;
    private final OidcTokens.Events events;
    private final ScheduledExecutorService reader;
    /** Whether a read is asked for or under way: at most one at a time. */
    private final AtomicBoolean reading = new AtomicBoolean();

    /** The issuer's keys that verify an algorithm tabserve takes, as last read; null before the first read. */
    private volatile JWKSet keys;

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
        IssuerReads reads = new IssuerReads(bound);
        this.discoveryReads = reads.named("the OIDC issuer's discovery document");
        this.jwksReads = reads.named("the OIDC issuer's JWKS");
        this.events = events;
        this.problem = "the keys of the OIDC issuer " + issuer + " are being read (tokens are refused until they are;"
                + " a read takes at most " + bound.deadline().toMillis() + " ms)";
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
     * Whether the keys at hand have one {@code kid} names (null: whether the issuer has one key alone), never waiting:
     * when they have none such and the keys were last asked for {@code minRefresh} ago or more, they are read again in
     * the background, and a later request finds the key if the read brings it.
     */
    boolean knows(String kid) {
        JWKSet at = keys;
        boolean known = at != null && (kid == null ? at.size() == 1 : at.getKeyByKeyId(kid) != null);
        if (!known) {
            readIfDue(() -> {});
        }
        return known;
    }

    /** The keys of the issuer's the processor's selector asks for, from those at hand; never waits. */
    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        JWKSet at = keys;
        return at == null ? List.of() : selector.select(at);
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

    /** Reads the discovery document and the JWKS it names; on the reader's thread alone. */
    private void fetch() {
        fetches++;
        try {
            String discovery = (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                    + "/.well-known/openid-configuration";
            Map<String, Object> document = JSONObjectUtils.parse(discoveryReads.read(discovery));
            Object named = document.get("issuer");
            if (!issuer.equals(named)) {
                throw new IOException("its discovery document " + discovery + " names another issuer than " + issuer
                        + " (the setting must be the issuer exactly as the issuer spells it)");
            }
            Object jwksUri = document.get("jwks_uri");
            if (!(jwksUri instanceof String uri)) {
                throw new IOException("its discovery document " + discovery + " has no jwks_uri");
            }
            JWKSet read = new JWKSet(JWKSet.parse(jwksReads.read(uri)).getKeys().stream()
                    .filter(IssuerKeys::verifies)
                    .toList());
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
            if (Thread.currentThread().isInterrupted()) {
                return; // closed while reading
            }
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
        }
    }

    /** The http(s) URL a discovery document gives under {@code name}, or null for none or one of another kind. */
    private static String url(Map<String, Object> document, String name) {
        return document.get(name) instanceof String text && text.matches("https?://\\S+") ? text : null;
    }

    /**
     * Whether a key of the JWKS verifies an algorithm tabserve takes: a signing key (or one of no use), RSA (RS256,
     * PS256) or EC P-256 (ES256), of that algorithm when it names one.
     */
    private static boolean verifies(JWK jwk) {
        List<JWSAlgorithm> fits;
        if (jwk instanceof RSAKey) {
            fits = List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256);
        } else if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
            fits = List.of(JWSAlgorithm.ES256);
        } else {
            return false;
        }
        return (jwk.getKeyUse() == null || KeyUse.SIGNATURE.equals(jwk.getKeyUse()))
                && (jwk.getAlgorithm() == null
                        || fits.contains(JWSAlgorithm.parse(jwk.getAlgorithm().getName())));
    }

    /** @return the client every read from the issuer goes through, to read under other words */
    IssuerReads reads() {
        return discoveryReads;
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
