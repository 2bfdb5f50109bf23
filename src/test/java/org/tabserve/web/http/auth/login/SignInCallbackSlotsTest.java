package org.tabserve.web.http.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.CodeFlowIssuer;
import org.tabserve.testing.Http;
import org.tabserve.testing.JoseIssuer;
import org.tabserve.testing.KeyDigests;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.TricklingProxy;

/**
 * Issue 91, item 1, hostile: anonymous sign-in callbacks whose token exchange the issuer never answers (a real issuer
 * of the test's behind {@link TricklingProxy}, its token endpoint's answers held) never take the API's request slots.
 * With four slots, twelve callbacks, each with the state of an anonymous start and its cookie: eight wait on the
 * issuer (the exchanges' own bound), the other four are refused at once with a 503 that says when to try again, and
 * an API key is served beside them all.
 */
@Timeout(180)
class SignInCallbackSlotsTest {

    private static final String READER_KEY = "reader-key-0123456789abcdef0123456789";

    static JoseIssuer issuer;
    static TricklingProxy proxy;
    static ModelDirectory models;
    static TabserveServer server;

    @BeforeAll
    static void start() throws Exception {
        issuer = JoseIssuer.start();
        CodeFlowIssuer.on(issuer);
        proxy = TricklingProxy.to(issuer.address());
        issuer.seenAt(proxy.uri());
        models = ModelDirectory.withFourModels();
        Path folder = Files.createTempDirectory("tabserve-callbacks");
        Path secret = folder.resolve("secret");
        Files.writeString(secret, CodeFlowIssuer.SECRET + "\n");
        Path keys = folder.resolve("keys");
        Files.writeString(keys, "reader read,predict " + KeyDigests.sha256(READER_KEY) + "\n");
        for (Path file : List.of(secret, keys)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        server = TabserveServer.startReady(
                Map.of("TABSERVE_MAX_CONCURRENT_REQUESTS", "4"),
                "--models",
                models.root().toString(),
                "--default-model",
                "banknote",
                "--api-keys",
                keys.toString(),
                "--oidc-issuer",
                issuer.issuer(),
                "--oidc-audience",
                "tabserve",
                "--oidc-read-deadline",
                "60",
                "--oidc-login-client",
                CodeFlowIssuer.CLIENT,
                "--oidc-login-secret-file",
                secret.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closing : new AutoCloseable[] {server, proxy, issuer}) {
            if (closing != null) {
                closing.close();
            }
        }
    }

    @Test
    void callbacksWaitingOnTheTokenEndpointNeverTakeTheApisRequestSlots() throws Exception {
        List<CookieBrowser> browsers = new ArrayList<>();
        List<URI> callbacks = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // anonymous starts: a state and its pre-login cookie each
            CookieBrowser browser = new CookieBrowser();
            HttpResponse<String> toIssuer = browser.navigate(server.uri("/login?next=/"));
            assertEquals(302, toIssuer.statusCode(), toIssuer.body());
            String state = LoginFlowTest.query(
                            URI.create(toIssuer.headers().firstValue("Location").orElseThrow()))
                    .get("state");
            browsers.add(browser);
            callbacks.add(URI.create(server.uri("/login/callback") + "?code=made-up&state=" + state));
        }
        proxy.slow(line -> line.startsWith("POST /token"), 0); // the token endpoint's answers never come
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                CookieBrowser browser = browsers.get(i);
                URI callback = callbacks.get(i);
                answers.add(callers.submit(() -> browser.navigate(callback)));
            }
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (proxy.trickled() + answers.stream().filter(Future::isDone).count() < 12) {
                assertTrue(System.nanoTime() < until, "each callback waits on the issuer or is answered");
                Thread.sleep(50);
            }
            Http.Response keyed = new Http(server).get("/api/models", "Authorization", "Bearer " + READER_KEY);
            assertEquals(200, keyed.status(), "an API key is served beside twelve callbacks: " + keyed);
            assertEquals(LoginCallback.MAX_EXCHANGES, proxy.trickled(), "the exchanges' own bound waits on the issuer");
            int refused = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                if (answer.isDone()) {
                    HttpResponse<String> busy = answer.get();
                    assertEquals(503, busy.statusCode(), busy.body());
                    assertEquals(
                            LoginCallback.RETRY_AFTER,
                            busy.headers().firstValue("Retry-After").orElse(""));
                    assertTrue(busy.body().contains("sign-ins at once already"), busy.body());
                    refused++;
                }
            }
            assertEquals(12 - LoginCallback.MAX_EXCHANGES, refused, "the rest are refused at once");
            proxy.close(); // the held exchanges end: each callback is answered in words, never a 500
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> ended = answer.get(60, TimeUnit.SECONDS);
                assertTrue(ended.statusCode() == 503 || ended.statusCode() == 401, ended.body());
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
