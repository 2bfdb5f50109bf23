package org.tabserve.serving.access.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.tabserve.outbound.ReadBound;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Grant;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.access.WholeSetting;
import org.tabserve.serving.budget.ServingException;

/**
 * OIDC bearer tokens ({@code --oidc-issuer}, {@code --oidc-audience}): a JWT signed by the issuer's key (RS256, ES256
 * or PS256 alone), issued by that issuer for that audience, within its {@code exp} and {@code nbf} (a minute's skew
 * either way), becomes the caller its {@code azp} (else {@code client_id}) names, as {@code oidc:AZP} (never a keys
 * file's client, whose names have no colon), with the scopes of its
 * {@code scope} claim or the claim {@code --oidc-scopes-claim} names (a path such as {@code realm_access.roles}).
 * A token checked is kept a minute at most (never past its {@code exp}), in a bounded cache, so that a client that
 * sends the same token again costs a lookup. Every refusal says why in words, never with the token or its claims.
 */
public final class OidcTokens implements AutoCloseable {

    /** The issuer's URL, exactly as its tokens' {@code iss} spells it; unset, no token is taken. */
    public static final String ISSUER = "tabserve.oidc-issuer";
    /** The audience a token must name in its {@code aud}. */
    public static final String AUDIENCE = "tabserve.oidc-audience";
    /** The claim that holds a token's scopes, a path through objects by dots; default {@link #DEFAULT_SCOPES_CLAIM}. */
    public static final String SCOPES_CLAIM = "tabserve.oidc-scopes-claim";
    /** The most one read from the issuer (its discovery document, its JWKS) may take in all, in seconds. */
    public static final String READ_DEADLINE = "tabserve.oidc-read-deadline";
    /** The slowest average rate, bytes a second, at which a read from the issuer may arrive (after a grace). */
    public static final String MIN_READ_RATE = "tabserve.oidc-min-read-rate";
    /** {@link #READ_DEADLINE}'s default, seconds. */
    static final int DEFAULT_READ_SECONDS = 5;
    /** {@link #MIN_READ_RATE}'s default, bytes a second. */
    static final int DEFAULT_MIN_READ_RATE = 1024;
    /** The prefix of an OIDC client's name, which keeps it apart from a keys file's clients (whose names have no colon). */
    public static final String CLIENT_PREFIX = "oidc:";
    /** The prefix of a person's name, signed in by the issuer ({@link OidcLogin}): no client of another kind has it. */
    public static final String PERSON_PREFIX = "user:";
    /** The standard claim of a token's scopes, space-separated. */
    static final String DEFAULT_SCOPES_CLAIM = "scope";
    /** The longest token taken; a longer one is refused before it is parsed. */
    static final int MAX_TOKEN_CHARS = 8192;
    /** How far a token's {@code exp} and {@code nbf} may be off the server's clock. */
    static final Duration SKEW = Duration.ofSeconds(60);
    /** How often the issuer's keys may be read again for a token naming an unknown key, at most. */
    static final Duration MIN_REFRESH = Duration.ofSeconds(30);
    /** The most tokens kept checked. */
    static final int CACHE_SIZE = 10_000;
    /** The longest a checked token is kept. */
    static final Duration CACHED = Duration.ofSeconds(60);

    private static final Set<JWSAlgorithm> ALGORITHMS =
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256);
    static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9._@:-]{1,100}");
    private static final Logger LOG = Logger.getLogger(OidcTokens.class.getName());

    private final String issuer;
    private final String audience;
    private final String[] scopesClaim;
    private final IssuerKeys keys;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final ReadBound bound;
    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    /** A token checked, and until when (System.nanoTime) it stands. */
    private record Checked(Caller caller, long until) {}

    /** Told of each read of the issuer's keys and of each failure to read them. */
    public interface Events {
        void keysRead(String detail);

        void keysFailed(String why);
    }

    OidcTokens(String issuer, String audience, String scopesClaim, Duration minRefresh, Events events) {
        this(issuer, audience, scopesClaim, minRefresh, bound(DEFAULT_READ_SECONDS, DEFAULT_MIN_READ_RATE), events);
    }

    OidcTokens(
            String issuer, String audience, String scopesClaim, Duration minRefresh, ReadBound bound, Events events) {
        this.issuer = issuer;
        this.audience = audience;
        this.scopesClaim = scopesClaim.split("\\.", -1);
        this.bound = bound;
        this.keys = new IssuerKeys(issuer, minRefresh, bound, events);
        processor.setJWSTypeVerifier((type, context) -> {}); // any typ, as access tokens (at+jwt) and ID tokens have
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(this::checkClaims);
    }

    /** The bound of every read from the issuer: {@code seconds} in all, {@code minRate} bytes a second after 2 s. */
    static ReadBound bound(long seconds, long minRate) {
        return new ReadBound(
                "the OIDC issuer's document",
                Duration.ofSeconds(seconds),
                READ_DEADLINE,
                minRate,
                MIN_READ_RATE,
                ReadBound.DEFAULT_GRACE);
    }

    /**
     * Opens the issuer the settings name, if any: both the issuer and the audience must be given.
     *
     * @throws IllegalArgumentException in words, for an issuer without an audience (or the reverse), or an issuer
     *                                  that is no http(s) URL
     */
    public static Optional<OidcTokens> open(Function<String, Optional<String>> lookup, Events events) {
        Optional<String> issuer = lookup.apply(ISSUER).map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> audience = lookup.apply(AUDIENCE).map(String::strip).filter(s -> !s.isEmpty());
        if (issuer.isEmpty() && audience.isEmpty()) {
            return Optional.empty();
        }
        if (issuer.isEmpty() || audience.isEmpty()) {
            throw new IllegalArgumentException("settings " + ISSUER + " and " + AUDIENCE + " go together: a token is"
                    + " taken only from that issuer for that audience; give both");
        }
        if (!issuer.get().matches("https?://[^\\s]+")) {
            throw new IllegalArgumentException("setting " + ISSUER + " must be the issuer's http(s) URL, as its"
                    + " tokens' iss spells it (e.g. https://keycloak.example/realms/NAME)");
        }
        String claim = lookup.apply(SCOPES_CLAIM)
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .orElse(DEFAULT_SCOPES_CLAIM);
        if (!claim.matches("[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*")) {
            throw new IllegalArgumentException("setting " + SCOPES_CLAIM + " must be a claim's name, or a path of"
                    + " names by dots (realm_access.roles)");
        }
        long seconds = WholeSetting.of(lookup, READ_DEADLINE, DEFAULT_READ_SECONDS, 1, 300, "seconds");
        long rate =
                WholeSetting.of(lookup, MIN_READ_RATE, DEFAULT_MIN_READ_RATE, 0, 1 << 30, "bytes a second (0: none)");
        LOG.info("OIDC tokens from " + issuer.get() + " for the audience " + audience.get() + ", scopes from the"
                + " claim " + claim + "; every route but /health/* needs Authorization: Bearer TOKEN or KEY; each read"
                + " from the issuer takes at most " + seconds + " s, at " + rate + " bytes a second or more");
        return Optional.of(
                new OidcTokens(issuer.get(), audience.get(), claim, MIN_REFRESH, bound(seconds, rate), events));
    }

    /** @return whether {@code credential} has a JWT's form (three parts between two dots), told without parsing it */
    public static boolean looksLikeToken(String credential) {
        int first = credential.indexOf('.');
        return first > 0
                && credential.indexOf('.', first + 1) > first
                && credential.indexOf('.', first + 1) == credential.lastIndexOf('.');
    }

    /**
     * The caller a token names.
     *
     * @throws ServingException UNAUTHENTICATED, saying why, for a token that is not good
     */
    public Caller callerOf(String token) {
        Checked hit = checked.get(token);
        if (hit != null && System.nanoTime() - hit.until() < 0) {
            return hit.caller();
        }
        JWTClaimsSet claims = verified(token, audience, OidcTokens::refused);
        long untilMillis = expiry(claims);
        Caller caller = Caller.of(CLIENT_PREFIX + client(claims), grants(claims));
        long now = System.currentTimeMillis();
        long keep =
                Math.min(CACHED.toNanos(), Duration.ofMillis(untilMillis - now).toNanos());
        if (keep > 0) {
            if (checked.size() >= CACHE_SIZE) {
                checked.clear(); // bounded: a flood of good tokens starts the cache again
            }
            checked.put(token, new Checked(caller, System.nanoTime() + keep));
        }
        return caller;
    }

    /**
     * The claims of a token of the issuer's for {@code audience}, once its form, its signature, its issuer, its
     * audience and its times are checked: the one check of bearer tokens and ID tokens alike.
     *
     * @param refusal how a refusal is made from its reason
     */
    JWTClaimsSet verified(String token, String audience, Function<String, ServingException> refusal) {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw refusal.apply("the token has " + token.length() + " characters, more than the " + MAX_TOKEN_CHARS
                    + " this server takes");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw refusal.apply("the token is not a signed JWT (its header must name one of RS256, ES256, PS256)");
        }
        JWSHeader header = jwt.getHeader();
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw refusal.apply("the token's alg is not taken: only RS256, ES256 and PS256 are");
        }
        if (!keys.ready()) {
            keys.readIfDue(() -> {}); // asks the issuer again in the background, at most once every minRefresh
            throw refusal.apply(keys.problem());
        }
        if (!keys.knows(header.getKeyID())) { // never waits: an unknown kid starts a read, at most one
            throw refusal.apply("no key of the issuer's has the token's kid: the key is unknown"
                    + (keys.reading()
                            ? "; the issuer's keys are being read again, send the token again in a few seconds"
                            : " (the issuer's keys are read again for an unknown kid at most once every "
                                    + MIN_REFRESH.toSeconds() + " s)"));
        }
        claims(jwt, refusal); // each registered claim of its type, named when it is not (Nimbus' parse says less)
        try {
            return processor.process(jwt, new For(audience));
        } catch (Refused e) {
            throw refusal.apply(e.getMessage());
        } catch (BadJWSException e) {
            throw refusal.apply("the token's signature is not the issuer's");
        } catch (BadJOSEException e) { // no key of the issuer's of that kid fits the token's alg
            throw refusal.apply("the token's alg does not fit the issuer's key it names");
        } catch (JOSEException e) {
            throw refusal.apply("the token's signature is not the issuer's");
        }
    }

    /**
     * The token's claims, each registered claim of the type RFC 7519 gives it.
     *
     * @throws ServingException UNAUTHENTICATED naming the claim of a wrong type, or saying the claims are no object
     */
    private static void claims(SignedJWT jwt, Function<String, ServingException> refused) {
        Map<String, Object> json = jwt.getPayload().toJSONObject();
        if (json == null) {
            throw refused.apply("the token's claims are not a JSON object");
        }
        for (String name : List.of("iss", "sub", "jti")) {
            if (json.get(name) != null && !(json.get(name) instanceof String)) {
                throw refused.apply("the token's " + name + " claim must be a string");
            }
        }
        Object aud = json.get("aud");
        if (aud != null
                && !(aud instanceof String)
                && !(aud instanceof List<?> list && list.stream().allMatch(String.class::isInstance))) {
            throw refused.apply("the token's aud claim must be a string or a list of strings");
        }
        for (String name : List.of("exp", "nbf", "iat")) {
            if (json.get(name) != null && !(json.get(name) instanceof Number)) {
                throw refused.apply("the token's " + name + " claim must be a number (seconds since 1970)");
            }
        }
        try {
            JWTClaimsSet.parse(json);
        } catch (ParseException e) {
            throw refused.apply("the token's claims are not a JWT's claims set");
        }
    }

    /** Checks the token's iss, aud, exp and nbf (each time with {@link #SKEW}). */
    private void checkClaims(JWTClaimsSet claims, SecurityContext context) throws Refused {
        String audience = ((For) context).audience();
        if (!issuer.equals(claims.getIssuer())) {
            throw new Refused("the token was not issued by " + issuer + " (setting " + ISSUER + ")");
        }
        List<String> audiences = claims.getAudience();
        if (audiences == null || !audiences.contains(audience)) {
            throw new Refused("the token is not for this server: its aud does not name " + audience
                    + (audience.equals(this.audience) ? " (setting " + AUDIENCE + ")" : ""));
        }
        long now = System.currentTimeMillis();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new Refused("the token has no exp");
        }
        if (now > exp.getTime() + SKEW.toMillis()) {
            throw new Refused("the token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now < nbf.getTime() - SKEW.toMillis()) {
            throw new Refused("the token is not valid yet (its nbf is ahead of the server's clock)");
        }
    }

    /** The audience a token is checked for, as the processor's context. */
    private record For(String audience) implements SecurityContext {}

    /** A refusal of the processor's claims check, in the words the caller is told. */
    private static final class Refused extends BadJWTException {
        Refused(String why) {
            super(why);
        }
    }

    /** @return until when (epoch ms) a checked token stands: its exp, with the skew */
    static long expiry(JWTClaimsSet claims) {
        return claims.getExpirationTime().getTime() + SKEW.toMillis();
    }

    /** The client the token names: its azp, else its client_id. */
    private static String client(JWTClaimsSet claims) {
        Object name = claims.getClaim("azp");
        if (name == null) {
            name = claims.getClaim("client_id");
        }
        if (!(name instanceof String text) || !CLIENT_NAME.matcher(text).matches()) {
            throw refused("the token names no client: it needs azp or client_id, of letters, digits and ._@:-");
        }
        return text;
    }

    /** The grants of the scopes claim: its words that are tabserve's scopes; the token's other scopes are not ours. */
    List<Grant> grants(JWTClaimsSet claims) {
        Object value = claims.getClaims();
        for (String name : scopesClaim) {
            value = value instanceof Map<?, ?> object ? object.get(name) : null;
        }
        List<String> words = new ArrayList<>();
        if (value instanceof String text) {
            words.addAll(List.of(text.strip().split("\\s+")));
        } else if (value instanceof List<?> list) {
            list.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .forEach(words::add);
        }
        List<Grant> grants = new ArrayList<>();
        for (String word : words) {
            int colon = word.indexOf(':');
            if (Scope.of(colon < 0 ? word : word.substring(0, colon)).isPresent()) {
                try {
                    grants.add(Grant.parse(word));
                } catch (IllegalArgumentException e) {
                    // "predict:" names no model: no grant
                }
            }
        }
        return grants;
    }

    private static ServingException refused(String why) {
        return ServingException.unauthenticated("the bearer token is refused: " + why);
    }

    static ServingException loginRefused(String why) {
        return ServingException.unauthenticated("the sign-in is refused: " + why);
    }

    /** @return the issuer's URL, as its tokens' iss spells it */
    public String issuer() {
        return issuer;
    }

    /** @return the endpoints of the issuer's discovery document, or null before it is read */
    IssuerKeys.Endpoints endpoints() {
        return keys.endpoints();
    }

    /** @return the client every read from the issuer goes through, its reads said in {@code what}'s words */
    IssuerReads reads(String what) {
        return keys.reads().named(what);
    }

    /** @return how many reads from the issuer were abandoned, past {@link #READ_DEADLINE} or below {@link #MIN_READ_RATE} */
    public long readsAbandoned() {
        return bound.abandoned();
    }

    /** @return how many times the issuer's keys have been asked for (at start, again, and in the background) */
    int keyFetches() {
        return keys.fetches();
    }

    @Override
    public void close() {
        keys.close();
    }
}
