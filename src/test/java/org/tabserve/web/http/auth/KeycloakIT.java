package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.deploy.Tomcat11Server;
import org.tabserve.docs.DocShell;
import org.tabserve.testing.Jdks;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 63, OIDC with Keycloak as the issuer, started by docs/security.md's own commands (the block marked
 * {@code <!-- run by: KeycloakIT -->}, read and run as written by {@link DocShell}): its distribution fetched by the
 * doc's {@code curl} (from the local Maven repository, which holds the very tarball the build resolved from Maven
 * Central) and unpacked by its {@code tar}, started once in dev mode with the Java 21+ it needs, the realm of
 * docs/examples/keycloak-realm.json made through its admin REST API with two clients, {@code notes} (the realm role
 * {@code predict:banknote}) and {@code ops} ({@code admin}, {@code read}), each with an audience mapper for
 * {@code tabserve}, the secret of {@code notes} read back, the packaged WAR started with the doc's flags, and the doc's
 * prediction with a token of {@code notes}. The test's changes: free ports for Keycloak's 8180 and tabserve's 8080,
 * a folder of models for {@code /srv/models}, the realm file's path, {@code JAVA_HOME}, and C1 alone for Keycloak's
 * JIT ({@code JAVA_OPTS_APPEND}). The cases then take or refuse the
 * clients' tokens as their roles say, and (issue 78) a person signs in to the pages through Keycloak's own login page
 * in headless Chromium, on the same Keycloak, in the embedded server and in Tomcat 11.
 *
 * <p>The one start is two JVMs, both {@code kc.sh}'s: a fresh distribution's {@code start-dev} first builds (Quarkus'
 * augmentation for the dev profile, some 25 s of CPU, a JVM that ends with status 10), then kc.sh execs the server in
 * its own process (some 30 s of CPU to ready); bench/ci-cpu/attribute.py tells the two apart.
 */
class KeycloakIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";
    private static final String WAR = "java -jar target/tabserve.war ";

    static Process keycloak;
    static String base;
    static String realm = "ml";
    static Map<String, String> secrets;
    static TabserveProcess server;
    static ModelDirectory models;

    @BeforeAll
    static void start() throws Exception {
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        Path folder = Path.of("target/it/keycloak-run").toAbsolutePath();
        new ProcessBuilder("rm", "-rf", folder.toString()).inheritIO().start().waitFor();
        Files.createDirectories(folder);
        Path log = folder.resolve("keycloak.log");
        models = ModelDirectory.withFourModels();
        DocShell shell = DocShell.of("docs/security.md", "KeycloakIT")
                .in(folder)
                .centralFromLocalRepository()
                .replace("127.0.0.1:8180", "127.0.0.1:" + port)
                .replace("--http-port=8180", "--http-port=" + port)
                .replace(
                        "docs/examples/keycloak-realm.json",
                        Path.of("docs/examples/keycloak-realm.json")
                                .toAbsolutePath()
                                .toString())
                .replace("/srv/models", models.root().toString())
                .environment("JAVA_HOME", Jdks.atLeast(21, "Keycloak").toString())
                // C1 alone: Keycloak's build and start are a minute or two of JIT-heavy work on one
                // or two cores, which the tests' machines share (with C2 too, 95 s of CPU to ready rather than under
                // 60). Its classes stay verified: skipping that saved 3 of those seconds, not worth a test's Keycloak
                // that runs otherwise than a user's.
                .environment("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
        List<String> commands = shell.commands();
        for (int i = 0; i < commands.size(); i++) {
            String command = commands.get(i);
            if (command.contains("kc.sh start-dev")) {
                keycloak = shell.start(i, log);
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (status(base + "/realms/master") != 200) {
                    assertTrue(keycloak.isAlive(), "Keycloak stopped; see " + log);
                    assertTrue(System.nanoTime() < deadline, "Keycloak did not answer within 5 minutes; see " + log);
                    Thread.sleep(250);
                }
            } else if (command.startsWith(WAR)) {
                List<String> args =
                        List.of(shell.take(i).substring(WAR.length()).split(" "));
                server = TabserveProcess.startReady(Map.of(), args.toArray(String[]::new));
                shell.replace("localhost:8080", server.uri().getAuthority());
            } else {
                String printed = shell.run(i, 120);
                if (command.contains("/api/predict")) {
                    assertTrue(printed.contains("\"label\""), shell.where(i) + ": " + printed);
                }
            }
        }
        shell.assertAllRun();
        assertTrue(shell.variable("SECRET").matches("[A-Za-z0-9]{16,}"), "Keycloak made notes' secret");
        secrets = Map.of("notes", shell.variable("SECRET"), "ops", secretOf("ops"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (keycloak != null) {
            keycloak.descendants().forEach(ProcessHandle::destroy);
            keycloak.destroy();
        }
    }

    /** The secret Keycloak made for {@code client}, read through its admin REST API as the doc reads notes'. */
    private static String secretOf(String client) throws Exception {
        String admin = tokenOf(
                "master",
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/admin/realms/" + realm + "/clients?clientId=" + client))
                        .header("Authorization", "Bearer " + admin)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body()).get(0).get("secret").asText();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int status(String url) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (ConnectException e) {
            return -1;
        } catch (IOException e) {
            return -2;
        }
    }

    /** An access token of the realm {@code of}, by the form's grant. */
    private static String tokenOf(String of, Map<String, String> form) throws Exception {
        String body = String.join(
                "&",
                form.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .toList());
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/realms/" + of + "/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body()).get("access_token").asText();
    }

    /** A token of {@code client} by the client-credentials grant. */
    private static String clientToken(String client) throws Exception {
        return tokenOf(
                realm,
                Map.of("grant_type", "client_credentials", "client_id", client, "client_secret", secrets.get(client)));
    }

    private static HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String detail(HttpResponse<String> answer) throws IOException {
        JsonNode problem = JSON.readTree(answer.body());
        return problem.path("detail").asText();
    }

    @Test
    void aClientWithTheRolePredictOnOneModelPredictsItAndNoOther() throws Exception {
        String notes = clientToken("notes");
        HttpResponse<String> answer = call("POST", "/models/banknote/api/predict", notes, NOTE);
        assertEquals(200, answer.statusCode(), answer.body());
        HttpResponse<String> other = call("POST", "/models/species/api/predict", notes, NOTE);
        assertEquals(403, other.statusCode(), other.body());
        assertTrue(detail(other).contains("predict:species") && detail(other).contains("'oidc:notes'"), other.body());
        HttpResponse<String> index = call("GET", "/api/models", notes, null);
        assertEquals(403, index.statusCode(), index.body());
    }

    @Test
    void theAdminClientReadsAndAdministersButDoesNotPredict() throws Exception {
        String ops = clientToken("ops");
        HttpResponse<String> index = call("GET", "/api/models", ops, null);
        assertEquals(200, index.statusCode(), index.body());
        HttpResponse<String> predict = call("POST", "/models/banknote/api/predict", ops, NOTE);
        assertEquals(403, predict.statusCode(), predict.body());
        assertTrue(detail(predict).contains("predict:banknote"), predict.body());
    }

    @Test
    void aTokenOfAnotherRealmAndNoTokenAreRefused() throws Exception {
        String master = tokenOf(
                "master",
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
        HttpResponse<String> answer = call("POST", "/models/banknote/api/predict", master, NOTE);
        assertEquals(401, answer.statusCode(), answer.body());
        assertTrue(detail(answer).contains("the bearer token is refused"), answer.body());
        assertEquals(401, call("GET", "/api/models", null, null).statusCode());
    }

    /**
     * Issue 78: a login client and a user with a password made in the realm at test time ({@link KeycloakPages}), a
     * second tabserve on the same Keycloak with the sign-in on, and headless Chromium: sent to Keycloak's own login
     * page, signed in with the password, back on the form, which predicts; a model without the scope is a 403 page
     * naming it; the sign-out ends the session and Keycloak's, and the session's cookie saved before is refused.
     */
    @Test
    void aPersonSignsInThroughKeycloaksLoginPagePredictsIsRefusedAModelAndSignsOut() throws Exception {
        String secret = "pages-" + java.util.UUID.randomUUID();
        try (TabserveProcess pages = TabserveProcess.startReady(
                Map.of("TABSERVE_OIDC_LOGIN_SECRET", secret),
                "--models",
                models.root().toString(),
                "--oidc-issuer",
                base + "/realms/" + realm,
                "--oidc-audience",
                "tabserve",
                "--oidc-scopes-claim",
                "realm_access.roles",
                "--oidc-login-client",
                "tabserve-pages")) {
            signInPredictBeRefusedAndSignOut(pages.uri(), "tabserve-pages", secret, "alice");
        }
    }

    /**
     * The same sign-in in Tomcat 11 (made and started by docs/deploy.md's steps), the settings as the environment
     * variables docs/security.md names: the login is a portable servlet filter, and Tomcat's own session (which the
     * app does not use) must not stand in for it.
     */
    @Test
    void aPersonSignsInToTheAppInTomcatAsInTheEmbeddedServer() throws Exception {
        String secret = "tomcat-" + java.util.UUID.randomUUID();
        try (Tomcat11Server tomcat = Tomcat11Server.start(
                "keycloak-tomcat11",
                Map.of(
                        "TABSERVE_MODELS",
                        models.root().toString(),
                        "TABSERVE_OIDC_ISSUER",
                        base + "/realms/" + realm,
                        "TABSERVE_OIDC_AUDIENCE",
                        "tabserve",
                        "TABSERVE_OIDC_SCOPES_CLAIM",
                        "realm_access.roles",
                        "TABSERVE_OIDC_LOGIN_CLIENT",
                        "tabserve-pages-tomcat",
                        "TABSERVE_OIDC_LOGIN_SECRET",
                        secret))) {
            signInPredictBeRefusedAndSignOut(tomcat.uri(), "tabserve-pages-tomcat", secret, "carol");
        }
    }

    /**
     * A person {@code user} (made in the realm with the roles {@code read} and {@code predict:banknote}) opens a
     * model's form on {@code pages}, is sent to Keycloak's login page, signs in there, is named on the page, predicts
     * through the form, is refused a model it has no scope for in words naming the scope and itself, signs out (the
     * app's session and Keycloak's), and the cookie saved before is refused afterwards.
     */
    private static void signInPredictBeRefusedAndSignOut(URI pages, String client, String secret, String user)
            throws Exception {
        String admin = tokenOf(
                "master",
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
        String password = user + "-password-1";
        try (org.tabserve.web.pages.Chromium chromium = org.tabserve.web.pages.Chromium.start()) {
            KeycloakPages realmPages = new KeycloakPages(base, realm, admin);
            realmPages.loginClient(client, secret, pages);
            realmPages.user(user, password, List.of("read", "predict:banknote"));
            org.openqa.selenium.WebDriver browser = chromium.driver;
            browser.get(pages.resolve("/models/banknote/").toString());
            assertTrue(browser.getCurrentUrl().startsWith(base + "/realms/" + realm), browser.getCurrentUrl());
            browser.findElement(org.openqa.selenium.By.id("username")).sendKeys(user);
            browser.findElement(org.openqa.selenium.By.id("password")).sendKeys(password);
            browser.findElement(org.openqa.selenium.By.id("kc-login")).click();
            assertEquals(user, chromium.byId("signed-in-name").getText(), browser.getPageSource());
            for (Map.Entry<String, String> field : Map.of(
                            "variance", "3.6216", "skewness", "8.6661", "curtosis", "-2.8073", "entropy", "-0.44699")
                    .entrySet()) {
                chromium.byId(field.getKey()).clear();
                chromium.byId(field.getKey()).sendKeys(field.getValue());
            }
            chromium.byId("predict").submit();
            assertTrue(chromium.byId("result").isDisplayed(), "the form answers: " + browser.getPageSource());
            String saved = browser.manage().getCookieNamed("tabserve_session").getValue();

            browser.get(pages.resolve("/models/species/").toString());
            chromium.byId("predict").submit();
            assertTrue(chromium.byId("detail").getText().contains("predict:species"), browser.getPageSource());
            assertTrue(chromium.byId("detail").getText().contains("user:" + user), browser.getPageSource());

            chromium.byId("sign-out-button").click(); // to Keycloak's sign-out, back to /, and so to its login page
            new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20))
                    .withMessage(() -> "after sign-out the browser is at " + browser.getCurrentUrl() + ", titled '"
                            + browser.getTitle() + "'")
                    .until(d -> d.getCurrentUrl().startsWith(base + "/realms/" + realm));
            assertTrue(
                    browser.findElements(org.openqa.selenium.By.id("username")).size() == 1,
                    "Keycloak's session ended too: its login page again, " + browser.getCurrentUrl());
            HttpResponse<String> replayed = HTTP.send(
                    HttpRequest.newBuilder(pages.resolve("/api/models"))
                            .header("Cookie", "tabserve_session=" + saved)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, replayed.statusCode(), "the saved cookie is refused after sign-out: " + replayed.body());
        }
    }
}
