package org.tabserve.web.http.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.CodeFlowIssuer;
import org.tabserve.testing.JoseIssuer;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.RedisProcess;

/**
 * Issue 78: two replicas started with {@code --shared-state} on one real Redis, as a balancer would spread a browser
 * over them: the sign-in starts on one and the issuer sends the person back to the other, the session opened there is
 * the person's on both, a sign-out on one ends it on the other at once, and while Redis is down a page asked with the
 * session, or a sign-in's return, is a 503 page in words (never the page, never a session). Issue 91: thirty anonymous
 * starts, past the fleet's bound of twenty (which counts the sign-ins that come back), shut no one out.
 */
@Timeout(180)
class SharedLoginFlowTest {

    static RedisProcess redis;
    static JoseIssuer issuer;
    static CodeFlowIssuer flow;
    static ModelDirectory models;
    static TabserveServer one;
    static TabserveServer two;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisProcess.installed(), RedisProcess.MISSING);
        redis = RedisProcess.launch();
        issuer = JoseIssuer.start();
        flow = CodeFlowIssuer.on(issuer);
        models = ModelDirectory.withFourModels();
        Path secret = Files.createTempDirectory("tabserve-login").resolve("secret");
        Files.writeString(secret, CodeFlowIssuer.SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        one = replica(secret);
        two = replica(secret);
    }

    private static TabserveServer replica(Path secret) throws Exception {
        return TabserveServer.startReady(
                Map.of("TABSERVE_MAX_LOGIN_STARTS", "20"),
                "--models",
                models.root().toString(),
                "--default-model",
                "banknote",
                "--oidc-issuer",
                issuer.issuer(),
                "--oidc-audience",
                "tabserve",
                "--oidc-login-client",
                CodeFlowIssuer.CLIENT,
                "--oidc-login-secret-file",
                secret.toString(),
                "--shared-state",
                redis.url());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closing : new AutoCloseable[] {one, two, issuer, redis}) {
            if (closing != null) {
                closing.close();
            }
        }
    }

    @Test
    void aSessionOpenedOnOneReplicaIsThePersonsOnTheOtherUntilASignOutOnEither() throws Exception {
        flow.signsIn("alice", "read:banknote predict:banknote");
        CookieBrowser browser = new CookieBrowser();
        HttpResponse<String> toIssuer = browser.navigate(one.uri("/models/banknote/"));
        assertEquals(302, toIssuer.statusCode(), toIssuer.body());
        HttpResponse<String> back = browser.follow(toIssuer);
        URI callback = back.uri().resolve(back.headers().firstValue("Location").orElseThrow());
        // The balancer sends the issuer's answer to the other replica: its sign-in under way is found there.
        URI onTwo = URI.create(two.uri(callback.getRawPath()) + "?" + callback.getRawQuery());
        HttpResponse<String> landed = browser.navigate(onTwo);
        assertEquals(303, landed.statusCode(), landed.body());

        HttpResponse<String> pageOnOne = browser.navigate(one.uri("/models/banknote/"));
        assertEquals(200, pageOnOne.statusCode(), pageOnOne.body());
        assertTrue(pageOnOne.body().contains("id=\"signed-in-name\">alice<"), "the session is alice's on both");
        String csrf = LoginFlowTest.csrf(pageOnOne.body());
        HttpResponse<String> predicted =
                browser.post(two.uri("/models/banknote/"), LoginFlowTest.NOTE + "&_csrf=" + csrf);
        assertEquals(
                200, predicted.statusCode(), "the session's one CSRF token holds on the other: " + predicted.body());

        String saved = browser.cookie(SessionCookies.SESSION).value();
        HttpResponse<String> out = browser.post(two.uri("/logout"), "_csrf=" + csrf);
        assertEquals(303, out.statusCode(), out.body());
        browser.plant(SessionCookies.SESSION, saved, "/");
        HttpResponse<String> after = browser.navigate(one.uri("/models/banknote/"));
        assertEquals(302, after.statusCode(), "signed out on two, the saved cookie is refused on one: sent to sign in");
        assertTrue(after.headers().firstValue("Location").orElse("").startsWith(issuer.issuer()));
    }

    @Test
    void aFloodOfStartsOnBothReplicasLocksNoOneOutOfTheFleet() throws Exception {
        for (int i = 0; i < 15; i++) { // TABSERVE_MAX_LOGIN_STARTS is 20: the fleet's, counted at the callback
            for (TabserveServer replica : new TabserveServer[] {one, two}) {
                assertEquals(302, HostileLoginTest.startFrom("127.0.0.2", replica.uri("/")), "a start keeps nothing");
            }
        }
        flow.signsIn("carol", "read:banknote");
        long until = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        HttpResponse<String> landed;
        do { // a store taken as down by a test before (Redis frozen) answers again within seconds
            CookieBrowser browser = new CookieBrowser();
            HttpResponse<String> toIssuer = browser.navigate(two.uri("/models/banknote/card"));
            assertEquals(302, toIssuer.statusCode(), "thirty starts later, a person still starts: " + toIssuer.body());
            landed = browser.follow(browser.follow(toIssuer));
        } while (landed.statusCode() == 503
                && landed.body().contains("shared store of sessions")
                && System.nanoTime() < until
                && pause());
        assertEquals(303, landed.statusCode(), "and signs in: " + landed.body());
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    @Test
    void whileRedisIsDownAPageAskedWithASessionIsA503InWordsNeverThePage() throws Exception {
        flow.signsIn("bob", "read:banknote");
        CookieBrowser browser = new CookieBrowser();
        HttpResponse<String> toIssuer = browser.navigate(one.uri("/models/banknote/card"));
        HttpResponse<String> landed = browser.follow(browser.follow(toIssuer));
        assertEquals(303, landed.statusCode(), landed.body());
        assertEquals(200, browser.follow(landed).statusCode());
        redis.freeze();
        try {
            for (TabserveServer replica : new TabserveServer[] {one, two}) {
                HttpResponse<String> down = browser.navigate(replica.uri("/models/banknote/card"));
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().contains("shared store of sessions"), down.body());
                assertFalse(
                        down.body()
                                .contains(browser.cookie(SessionCookies.SESSION).value()),
                        "never the id");
                CookieBrowser stranger = new CookieBrowser();
                HttpResponse<String> started = stranger.navigate(replica.uri("/models/banknote/card"));
                assertEquals(302, started.statusCode(), "a start keeps nothing in the store: " + started.body());
                HttpResponse<String> back = stranger.follow(stranger.follow(started));
                assertEquals(503, back.statusCode(), "but no sign-in ends: " + back.body());
                assertTrue(back.body().contains("shared store of sessions"), back.body());
            }
        } finally {
            redis.thaw();
        }
    }
}
