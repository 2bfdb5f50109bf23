package org.tabserve.web.http.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.CodeFlowIssuer;
import org.tabserve.testing.Multipart;

/**
 * Issue 78's hostile cases against the sign-in, on {@link LoginFlowTest}'s server and issuer: a forged {@code state},
 * a replayed code, an ID token without the nonce, with another's, or for another audience, a cookie of another
 * session, a cross-site post and upload without the CSRF token, a session fixed before the sign-in. Issue 91: a
 * multipart sign-out without the token, a session or pre-login cookie sent twice, a pre-login cookie changed or sent
 * again, and a flood of starts from one address (127.0.0.2), which lets go of no sign-in under way and shuts no other
 * address out. Each is refused in words, and none leaves a session behind.
 */
class HostileLoginTest {

    @BeforeAll
    static void start() throws Exception {
        LoginFlowTest.start();
    }

    @AfterAll
    static void stop() throws Exception {
        LoginFlowTest.stop();
    }

    @BeforeEach
    void alice() {
        LoginFlowTest.flow.signsIn("alice", "read:banknote predict:banknote");
    }

    /** Starts a sign-in and has the issuer answer it: the callback's address, not yet followed. */
    private static URI issuersAnswer(CookieBrowser browser) throws Exception {
        HttpResponse<String> toIssuer = browser.navigate(LoginFlowTest.server.uri("/models/banknote/"));
        assertEquals(302, toIssuer.statusCode(), toIssuer.body());
        HttpResponse<String> back = browser.follow(toIssuer);
        return back.uri().resolve(back.headers().firstValue("Location").orElseThrow());
    }

    private static URI withState(URI callback, String state) {
        String query = callback.getRawQuery().replaceAll("state=[^&]*", "state=" + state);
        return URI.create(
                callback.getScheme() + "://" + callback.getRawAuthority() + callback.getRawPath() + "?" + query);
    }

    @Test
    void aForgedStateIsRefusedAndOpensNoSession() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        URI callback = issuersAnswer(browser);
        HttpResponse<String> refused = browser.navigate(withState(callback, "forged-state"));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("does not carry the state"), refused.body());
        assertNull(browser.cookie(SessionCookies.SESSION));
        HttpResponse<String> again = browser.navigate(callback);
        assertEquals(400, again.statusCode(), "the sign-in was used up by the forged answer: " + again.body());
        assertNull(browser.cookie(SessionCookies.SESSION));
    }

    @Test
    void aReplayedCodeIsRefusedByTheIssuerAndTheServerSaysSo() throws Exception {
        CookieBrowser victim = new CookieBrowser();
        URI used = issuersAnswer(victim);
        assertEquals(303, victim.navigate(used).statusCode(), "the code's first use signs in");
        CookieBrowser thief = new CookieBrowser();
        URI fresh = issuersAnswer(thief); // a sign-in of the thief's own, whose state it knows
        String state = fresh.getRawQuery().replaceAll(".*state=([^&]*).*", "$1");
        int exchanges = LoginFlowTest.flow.exchanges();
        HttpResponse<String> replayed = thief.navigate(withState(used, state));
        assertEquals(401, replayed.statusCode(), replayed.body());
        assertTrue(replayed.body().contains("the issuer refused the code (invalid_grant)"), replayed.body());
        assertEquals(exchanges + 1, LoginFlowTest.flow.exchanges(), "the used code went to the issuer, who refused it");
        assertNull(thief.cookie(SessionCookies.SESSION));
        HttpResponse<String> twice = victim.navigate(used);
        assertEquals(400, twice.statusCode(), "the same callback again finds no sign-in under way: " + twice.body());
    }

    @Test
    void anIdTokenWithoutTheNonceWithAnotherOrForAnotherAudienceIsRefused() throws Exception {
        Map<String, java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder>> forged = Map.of(
                "has no nonce",
                claims -> claims.claim("nonce", null),
                "nonce is not the one this sign-in sent",
                claims -> claims.claim("nonce", "another-sign-in"),
                "its aud does not name " + CodeFlowIssuer.CLIENT,
                claims -> claims.audience("tabserve"));
        for (Map.Entry<String, java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder>> each :
                forged.entrySet()) {
            LoginFlowTest.flow.tampers(each.getValue());
            CookieBrowser browser = new CookieBrowser();
            HttpResponse<String> refused = browser.navigate(issuersAnswer(browser));
            assertEquals(401, refused.statusCode(), each.getKey() + ": " + refused.body());
            assertTrue(refused.body().contains(each.getKey()), refused.body());
            assertTrue(refused.body().contains("the sign-in is refused"), refused.body());
            assertNull(browser.cookie(SessionCookies.SESSION), each.getKey());
        }
    }

    @Test
    void aCookieOfAnotherSessionDoesNotCarryThisSessionsToken() throws Exception {
        CookieBrowser alice = new CookieBrowser();
        String alicesToken = LoginFlowTest.csrf(LoginFlowTest.signIn(alice).body());
        CookieBrowser bob = new CookieBrowser();
        LoginFlowTest.flow.signsIn("bob", "read:banknote predict:banknote");
        LoginFlowTest.signIn(bob);
        HttpResponse<String> mixed =
                bob.post(LoginFlowTest.server.uri("/models/banknote/"), LoginFlowTest.NOTE + "&_csrf=" + alicesToken);
        assertEquals(403, mixed.statusCode(), mixed.body());
        assertTrue(mixed.body().contains("is not your session"), mixed.body());
        CookieBrowser stranger = new CookieBrowser();
        stranger.plant(SessionCookies.SESSION, "A".repeat(43), "/");
        HttpResponse<String> madeUp = stranger.navigate(LoginFlowTest.server.uri("/models/banknote/"));
        assertEquals(302, madeUp.statusCode(), "a made-up session is none: sent to sign in");
    }

    @Test
    void aCrossSitePostOrUploadWithoutTheTokenIsRefusedInWords() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        LoginFlowTest.signIn(browser);
        HttpResponse<String> post = browser.send(HttpRequest.newBuilder(LoginFlowTest.server.uri("/models/banknote/"))
                .header("Accept", "text/html")
                .header("Origin", "https://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(LoginFlowTest.NOTE)));
        assertEquals(403, post.statusCode(), post.body());
        assertTrue(post.body().contains("CSRF token"), post.body());
        assertTrue(post.body().contains("is missing"), post.body());
        Multipart upload = Multipart.csv("variance,skewness,curtosis,entropy\n3.6,8.6,-2.8,-0.4\n");
        HttpResponse<String> file = browser.send(
                HttpRequest.newBuilder(LoginFlowTest.server.uri("/models/banknote/predict_file?format=html"))
                        .header("Accept", "text/html")
                        .header("Content-Type", upload.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(upload.bytes())));
        assertEquals(403, file.statusCode(), file.body());
        assertTrue(file.body().contains("CSRF token"), file.body());
    }

    @Test
    void aMultipartSignOutWithoutTheTokenIsRefusedAndTheSessionGoesOn() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        LoginFlowTest.signIn(browser);
        Multipart form = Multipart.csv("variance\n1\n");
        HttpResponse<String> out = browser.send(HttpRequest.newBuilder(LoginFlowTest.server.uri("/logout"))
                .header("Accept", "text/html")
                .header("Origin", "https://evil.example")
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
        assertEquals(403, out.statusCode(), "a cross-site multipart sign-out carries no token: " + out.body());
        assertTrue(out.body().contains("CSRF token"), out.body());
        HttpResponse<String> page = browser.navigate(LoginFlowTest.server.uri("/models/banknote/"));
        assertEquals(200, page.statusCode(), "the session goes on: " + page.body());
    }

    @Test
    void aSessionCookieSentTwiceIsNoSession() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        LoginFlowTest.signIn(browser);
        String real = browser.cookie(SessionCookies.SESSION).value();
        java.net.http.HttpClient plain = java.net.http.HttpClient.newHttpClient();
        for (String cookies : List.of(
                SessionCookies.SESSION + "=" + real + "; " + SessionCookies.SESSION + "=" + "A".repeat(43),
                SessionCookies.SESSION + "=" + "A".repeat(43) + "; " + SessionCookies.SESSION + "=" + real)) {
            HttpResponse<String> tossed = plain.send(
                    HttpRequest.newBuilder(LoginFlowTest.server.uri("/models/banknote/"))
                            .header("Accept", "text/html")
                            .header("Cookie", cookies)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(302, tossed.statusCode(), "a cookie sent twice is no session, sent to sign in: " + cookies);
        }
        assertEquals(
                200,
                browser.navigate(LoginFlowTest.server.uri("/models/banknote/")).statusCode(),
                "sent once, it is the session");
    }

    @Test
    void aSessionFixedBeforeTheSignInIsNeverTheOneAfter() throws Exception {
        CookieBrowser attacker = new CookieBrowser();
        LoginFlowTest.flow.signsIn("mallory", "read:banknote");
        LoginFlowTest.signIn(attacker);
        String fixed = attacker.cookie(SessionCookies.SESSION).value();
        CookieBrowser victim = new CookieBrowser();
        victim.plant(SessionCookies.SESSION, fixed, "/"); // planted in the victim's browser
        LoginFlowTest.flow.signsIn("alice", "read:banknote predict:banknote");
        HttpResponse<String> toIssuer =
                victim.send(HttpRequest.newBuilder(LoginFlowTest.server.uri("/login?next=/models/banknote/"))
                        .header("Accept", "text/html")
                        .GET());
        HttpResponse<String> landed = victim.follow(victim.follow(toIssuer));
        assertEquals(303, landed.statusCode(), landed.body());
        String after = victim.cookie(SessionCookies.SESSION).value();
        assertNotEquals(fixed, after, "a new id at sign-in");
        HttpResponse<String> old = attacker.navigate(LoginFlowTest.server.uri("/models/banknote/"));
        assertEquals(302, old.statusCode(), "the fixed session was ended at the victim's sign-in: " + old.body());
    }

    /**
     * @return the status of a start on {@code server} from {@code from}, on a connection of its own bound to that local
     *         address (127.0.0.2: another address of the loopback's)
     */
    static int startFrom(String from, URI server) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(from, 0));
            socket.connect(new java.net.InetSocketAddress(server.getHost(), server.getPort()), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("GET /login?next=/ HTTP/1.1\r\nHost: " + server.getRawAuthority()
                                    + "\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer =
                    new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    @Test
    void aFloodOfSignInStartsFromOneAddressNeitherLetsGoOfASignInUnderWayNorLocksOthersOut() throws Exception {
        CookieBrowser first = new CookieBrowser();
        URI firstAnswer = issuersAnswer(first); // from 127.0.0.1, under way while the flood comes
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < 150; i++) { // TABSERVE_MAX_LOGIN_STARTS is 50; an address starts 100 (the default)
            statuses.merge(startFrom("127.0.0.2", LoginFlowTest.server.uri("/")), 1, Integer::sum);
        }
        HttpResponse<String> landed = first.navigate(firstAnswer);
        assertEquals(303, landed.statusCode(), "the sign-in under way was not let go: " + landed.body());
        assertEquals(java.util.Map.of(302, 100, 429, 50), statuses, "an address starts 100 in ten minutes");
        CookieBrowser next = new CookieBrowser();
        HttpResponse<String> also = next.navigate(issuersAnswer(next));
        assertEquals(303, also.statusCode(), "and another address still signs in: " + also.body());
        HttpResponse<String> spoofed = new CookieBrowser()
                .send(HttpRequest.newBuilder(LoginFlowTest.server.uri("/login?next=/"))
                        .header("Accept", "text/html")
                        .header("X-Forwarded-For", "127.0.0.2")
                        .GET());
        assertEquals(302, spoofed.statusCode(), "an address is the connection's, not a header's word");
    }

    @Test
    void aSignInsCookieComesBackOnceAndOneChangedOrSentTwiceIsNone() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        URI answer = issuersAnswer(browser);
        String cookie = browser.cookie(SessionCookies.PENDING).value();
        assertTrue(cookie.length() > 100, "the sign-in under way is sealed in its cookie");
        java.net.http.HttpClient plain = java.net.http.HttpClient.newHttpClient();
        HttpResponse<String> changed = plain.send(
                HttpRequest.newBuilder(answer)
                        .header(
                                "Cookie",
                                SessionCookies.PENDING + "=" + cookie.substring(0, cookie.length() - 2) + "AA")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, changed.statusCode(), "a changed cookie is no sign-in: " + changed.body());
        HttpResponse<String> twice = plain.send(
                HttpRequest.newBuilder(answer)
                        .header(
                                "Cookie",
                                SessionCookies.PENDING + "=" + cookie + "; " + SessionCookies.PENDING + "=" + cookie)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, twice.statusCode(), "a pre-login cookie sent twice is none: " + twice.body());
        HttpResponse<String> landed = browser.navigate(answer);
        assertEquals(303, landed.statusCode(), landed.body());
        HttpResponse<String> replayed = plain.send(
                HttpRequest.newBuilder(answer)
                        .header("Cookie", SessionCookies.PENDING + "=" + cookie)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, replayed.statusCode(), "the cookie saved and sent again: " + replayed.body());
        assertTrue(replayed.body().contains("used already"), replayed.body());
    }
}
