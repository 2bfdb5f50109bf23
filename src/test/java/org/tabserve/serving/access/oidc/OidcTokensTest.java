package org.tabserve.serving.access.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.testing.JoseIssuer;
import org.tabserve.testing.TricklingProxy;

/**
 * Issue 63, OIDC tokens: a token of a real issuer of the test's own (keys made now, discovery and JWKS over HTTP)
 * becomes its client with its scopes; every hostile token of the issue is refused in words (401), never with the
 * token, and a flood of unknown kids reads the issuer's keys a bounded number of times.
 */
class OidcTokensTest {

    private static final String AUDIENCE = "tabserve";

    static JoseIssuer issuer;
    static OidcTokens tokens;
    static final List<String> reads = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        issuer = JoseIssuer.start();
        tokens = new OidcTokens(issuer.issuer(), AUDIENCE, "scope", Duration.ofSeconds(3600), events(reads));
    }

    @AfterAll
    static void stop() {
        tokens.close();
        issuer.close();
    }

    static OidcTokens.Events events(List<String> into) {
        return new OidcTokens.Events() {
            @Override
            public void keysRead(String detail) {
                into.add("read " + detail);
            }

            @Override
            public void keysFailed(String why) {
                into.add("failed " + why);
            }
        };
    }

    private static String refusal(String token) {
        ServingException refused = assertThrows(ServingException.class, () -> tokens.callerOf(token));
        assertEquals(ServingException.Kind.UNAUTHENTICATED, refused.kind());
        assertFalse(refused.getMessage().contains(token), "the refusal never repeats the token");
        return refused.getMessage();
    }

    @Test
    void aGoodTokenIsItsClientWithItsScopesPerModel() {
        Caller caller = tokens.callerOf(issuer.token("notes", AUDIENCE, "openid predict:banknote profile"));
        assertEquals("oidc:notes", caller.name(), "an OIDC client is named apart from a keys file's");
        assertTrue(caller.may(Scope.PREDICT, "banknote"));
        assertFalse(caller.may(Scope.PREDICT, "species"));
        assertFalse(caller.may(Scope.READ, "banknote"));
    }

    @Test
    void es256AndPs256AreTakenAndTheClientMayComeFromClientId() {
        Caller ec = tokens.callerOf(issuer.token(
                JWSAlgorithm.ES256,
                c -> c.audience(AUDIENCE).claim("client_id", "ec-client").claim("scope", "read")));
        assertEquals("oidc:ec-client", ec.name());
        assertTrue(ec.may(Scope.READ, "anything"));
        Caller ps = tokens.callerOf(issuer.token(
                JWSAlgorithm.PS256, c -> c.audience(AUDIENCE).claim("azp", "ps").claim("scope", "admin")));
        assertTrue(ps.may(Scope.ADMIN, "mass"));
    }

    @Test
    void algNoneIsRefused() {
        String none = new PlainJWT(new JWTClaimsSet.Builder()
                        .issuer(issuer.issuer())
                        .audience(AUDIENCE)
                        .claim("azp", "notes")
                        .claim("scope", "admin")
                        .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                        .build())
                .serialize();
        assertTrue(refusal(none).contains("not a signed JWT"), refusal(none));
    }

    @Test
    void hs256SignedWithThePublicKeyAsSecretIsRefused() throws Exception {
        SignedJWT forged = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(issuer.rsa().getKeyID())
                        .build(),
                new JWTClaimsSet.Builder()
                        .issuer(issuer.issuer())
                        .audience(AUDIENCE)
                        .claim("azp", "notes")
                        .claim("scope", "admin")
                        .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                        .build());
        forged.sign(new MACSigner(issuer.rsa().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
        String message = refusal(forged.serialize());
        assertTrue(message.contains("alg is not taken"), message);
    }

    @Test
    void expiredIsRefusedPastTheSkewAndTakenWithinIt() {
        Instant now = Instant.now();
        String expired = issuer.token(
                JWSAlgorithm.RS256,
                c -> c.audience(AUDIENCE).claim("azp", "notes").expirationTime(Date.from(now.minusSeconds(120))));
        assertTrue(refusal(expired).contains("expired"), refusal(expired));
        String justExpired = issuer.token(
                JWSAlgorithm.RS256,
                c -> c.audience(AUDIENCE).claim("azp", "notes").expirationTime(Date.from(now.minusSeconds(20))));
        assertEquals("oidc:notes", tokens.callerOf(justExpired).name());
    }

    @Test
    void notYetValidIsRefused() {
        String early = issuer.token(
                JWSAlgorithm.RS256,
                c -> c.audience(AUDIENCE)
                        .claim("azp", "notes")
                        .notBeforeTime(Date.from(Instant.now().plusSeconds(180))));
        assertTrue(refusal(early).contains("not valid yet"), refusal(early));
    }

    @Test
    void anotherAudienceIsRefused() {
        String message = refusal(issuer.token("notes", "another-service", "predict"));
        assertTrue(message.contains("aud does not name tabserve"), message);
    }

    @Test
    void anotherIssuerIsRefused() throws Exception {
        try (JoseIssuer other = JoseIssuer.start()) {
            String message = refusal(other.token("notes", AUDIENCE, "predict"));
            assertTrue(message.contains("signature is not the issuer's"), message); // its key is not the issuer's
        }
        String renamed = issuer.token(
                JWSAlgorithm.RS256,
                c -> c.issuer("http://elsewhere.example").audience(AUDIENCE).claim("azp", "notes"));
        assertTrue(refusal(renamed).contains("not issued by"), refusal(renamed));
    }

    @Test
    void aFloodOfUnknownKidsReadsTheKeysABoundedNumberOfTimes() {
        int before = issuer.jwksReads();
        for (int i = 0; i < 200; i++) {
            int n = i;
            String message = refusal(issuer.token(
                    JWSAlgorithm.RS256, "kid-" + n, c -> c.audience(AUDIENCE).claim("azp", "x")));
            assertTrue(message.contains("kid"), message);
        }
        assertTrue(
                issuer.jwksReads() - before <= 1,
                "200 unknown kids read the JWKS " + (issuer.jwksReads() - before) + " times; at most once an interval");
    }

    @Test
    void aTokenOf64KbIsRefusedBeforeItIsParsed() {
        String big = issuer.token(
                JWSAlgorithm.RS256,
                c -> c.audience(AUDIENCE).claim("azp", "notes").claim("pad", "x".repeat(64 * 1024)));
        assertTrue(big.length() > 64 * 1024);
        String message = refusal(big);
        assertTrue(message.contains("more than the 8192"), message);
    }

    @Test
    void aSignatureThatDiffersInItsLastByteIsRefused() {
        String good = issuer.token("notes", AUDIENCE, "predict");
        int dot = good.lastIndexOf('.');
        byte[] signature = new Base64URL(good.substring(dot + 1)).decode();
        signature[signature.length - 1] ^= 1;
        String bad = good.substring(0, dot + 1) + Base64URL.encode(signature);
        assertTrue(refusal(bad).contains("signature is not the issuer's"), refusal(bad));
    }

    @Test
    void keycloaksRolesAreReadFromTheClaimTheFlagNames() {
        try (OidcTokens keycloak = new OidcTokens(
                issuer.issuer(), AUDIENCE, "realm_access.roles", Duration.ofSeconds(3600), events(reads))) {
            Caller caller = keycloak.callerOf(issuer.token(
                    JWSAlgorithm.RS256,
                    c -> c.audience(AUDIENCE)
                            .claim("azp", "notes")
                            .claim("scope", "admin")
                            .claim("realm_access", Map.of("roles", List.of("offline_access", "predict:banknote")))));
            assertTrue(caller.may(Scope.PREDICT, "banknote"));
            assertFalse(caller.may(Scope.ADMIN, "banknote"), "the scope claim is not read when the flag names another");
        }
    }

    @Test
    void anIssuerDownAtStartIsAskedAgainAndTokensAreRefusedInWordsMeanwhile() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (JoseIssuer late = JoseIssuer.startDown();
                OidcTokens waiting =
                        new OidcTokens(late.issuer(), AUDIENCE, "scope", Duration.ofMillis(200), events(events))) {
            String token = late.token("notes", AUDIENCE, "predict");
            ServingException refused = assertThrows(ServingException.class, () -> waiting.callerOf(token));
            assertTrue(refused.getMessage().contains("could not be read"), refused.getMessage());
            assertTrue(events.get(0).startsWith("failed "), events.toString());
            late.up();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (events.stream().noneMatch(e -> e.startsWith("read "))) {
                assertTrue(System.nanoTime() < deadline, "the issuer was not asked again: " + events);
                Thread.sleep(50);
            }
            assertEquals("oidc:notes", waiting.callerOf(token).name());
        }
    }

    /** An issuer of the test's behind a proxy that trickles what it is told to, its documents naming the proxy. */
    private static JoseIssuer behind(TricklingProxy[] proxy, String withheld) throws Exception {
        JoseIssuer behind = JoseIssuer.start();
        behind.withhold(withheld);
        proxy[0] = TricklingProxy.to(behind.address());
        behind.seenAt(proxy[0].uri());
        return behind;
    }

    @Test
    void anUnknownKidIsRefusedAtOnceWhileTheJwksTricklesAndItsKeyIsTakenOnceARefreshBringsIt() throws Exception {
        TricklingProxy[] proxy = new TricklingProxy[1];
        List<String> events = new CopyOnWriteArrayList<>();
        try (JoseIssuer slow = behind(proxy, "ec-1"); // a key the issuer publishes later: unknown to the server now
                TricklingProxy closing = proxy[0];
                OidcTokens waiting = new OidcTokens(
                        slow.issuer(),
                        AUDIENCE,
                        "scope",
                        Duration.ofMillis(200),
                        OidcTokens.bound(1, 1024),
                        events(events))) {
            closing.slow(line -> line.contains("/jwks"), 1); // the JWKS a byte a second from now on
            Thread.sleep(300); // past the 200 ms between reads
            String later = slow.token(
                    JWSAlgorithm.ES256,
                    c -> c.audience(AUDIENCE).claim("azp", "notes").claim("scope", "predict"));
            String good = slow.token("notes", AUDIENCE, "predict");
            for (int i = 0; i < 20; i++) { // every unknown kid refused at once, a read begun by the first alone
                ServingException refused = assertTimeoutPreemptively( // the read takes minutes
                        Duration.ofSeconds(10),
                        () -> assertThrows(ServingException.class, () -> waiting.callerOf(later)),
                        "a request never waits on the issuer's read");
                assertTrue(refused.getMessage().contains("the key is unknown"), refused.getMessage());
                assertTrue(refused.getMessage().contains("being read again"), refused.getMessage());
                assertEquals(
                        "oidc:notes",
                        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> waiting.callerOf(good))
                                .name(),
                        "a token of a known key is taken while the JWKS trickles");
            }
            assertEquals(1, closing.trickled(), "one read at a time, however many unknown kids");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (waiting.readsAbandoned() == 0) { // the trickling read is abandoned at its deadline
                assertTrue(System.nanoTime() < deadline, "the trickling read was never abandoned: " + events);
                Thread.sleep(50);
            }
            // the read's failure is told once the abandoned read's exception reaches the key fetch, just after the
            // count above (at load, a moment later)
            while (events.stream().noneMatch(e -> e.startsWith("failed ") && e.contains(OidcTokens.READ_DEADLINE))) {
                assertTrue(System.nanoTime() < deadline, "the failure names the setting: " + events);
                Thread.sleep(50);
            }
            closing.slow(line -> false, 1);
            slow.withhold(null); // the issuer publishes the key: a later request finds it once a read brings it
            while (true) {
                try {
                    assertEquals("oidc:notes", waiting.callerOf(later).name());
                    break;
                } catch (ServingException refused) {
                    assertTrue(System.nanoTime() < deadline, "the key never came: " + refused.getMessage());
                    Thread.sleep(50);
                }
            }
        }
    }

    @Test
    void aDiscoveryDocumentThatTricklesHoldsTheStartAtMostTheDeadline() throws Exception {
        TricklingProxy[] proxy = new TricklingProxy[1];
        List<String> events = new CopyOnWriteArrayList<>();
        try (JoseIssuer slow = behind(proxy, null);
                TricklingProxy closing = proxy[0]) {
            closing.slow(line -> line.contains("/.well-known/openid-configuration"), 1);
            OidcTokens started = assertTimeoutPreemptively( // the document takes minutes at a byte a second
                    Duration.ofSeconds(10),
                    () -> new OidcTokens(
                            slow.issuer(),
                            AUDIENCE,
                            "scope",
                            Duration.ofSeconds(3600),
                            OidcTokens.bound(1, 1024),
                            events(events)),
                    "the start waits on the issuer at most its read deadline");
            try (started) {
                ServingException refused =
                        assertThrows(ServingException.class, () -> started.callerOf(slow.token("n", AUDIENCE, "read")));
                assertTrue(refused.getMessage().contains("OIDC issuer"), refused.getMessage());
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (started.readsAbandoned() == 0) {
                    assertTrue(System.nanoTime() < deadline, "never abandoned: " + events);
                    Thread.sleep(50);
                }
                assertTrue(
                        events.toString().contains("discovery document took longer than 1 s in all"),
                        events.toString());
            }
        }
    }

    @Test
    void aClaimOfTheWrongTypeIsNamed() {
        String numericJti = issuer.token(
                JWSAlgorithm.RS256,
                c -> c.audience(AUDIENCE).claim("azp", "notes").claim("jti", 42));
        assertTrue(refusal(numericJti).contains("the token's jti claim must be a string"), refusal(numericJti));
        String textExp = issuer.token(
                JWSAlgorithm.RS256,
                c -> c.audience(AUDIENCE).claim("azp", "notes").claim("exp", "1900000000"));
        assertTrue(refusal(textExp).contains("the token's exp claim must be a number"), refusal(textExp));
    }

    @Test
    void theSettingsGoTogether() {
        Map<String, String> onlyIssuer = Map.of(OidcTokens.ISSUER, issuer.issuer());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> OidcTokens.open(k -> Optional.ofNullable(onlyIssuer.get(k)), events(reads)));
        assertTrue(e.getMessage().contains(OidcTokens.AUDIENCE), e.getMessage());
        assertEquals(Optional.empty(), OidcTokens.open(k -> Optional.empty(), events(reads)));
        assertTrue(OidcTokens.looksLikeToken("a.b.c"));
        assertFalse(OidcTokens.looksLikeToken("0123456789abcdef"));
        assertFalse(OidcTokens.looksLikeToken("a.b.c.d.e"));
    }
}
