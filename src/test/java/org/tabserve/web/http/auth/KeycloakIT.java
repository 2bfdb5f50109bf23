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
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tabserve.deploy.Tomcat11Server;
import org.tabserve.docs.DocShell;
import org.tabserve.testing.Jdks;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.TabserveProcess;
import org.tabserve.web.pages.Chromium;

/**
 * Issue 63, OIDC with Keycloak as the issuer, started by docs/security.md's own commands (the block marked
 * {@code <!-- run by: KeycloakIT -->}, read and run as written by {@link DocShell}): its distribution copied out of the
 * local Maven repository by the doc's {@code mvn dependency:copy} and unpacked by its {@code tar}, started once in dev
 * mode with the Java 21+ it needs, the realm of docs/examples/keycloak-realm.json imported as it is through the admin
 * REST API (the roles; {@code notes} with {@code predict:banknote} and {@code ops} with {@code admin} and {@code read},
 * each with an audience mapper for {@code tabserve}; the pages' login client {@code tabserve-pages}; the person
 * {@code alice}), the secrets of {@code notes} and {@code tabserve-pages} read back, the packaged WAR started with the
 * doc's flags and the pages' sign-in on, and the doc's prediction with a token of {@code notes}. The test's changes:
 * free ports in the doc's {@code export KC_PORT=8180 TABSERVE_PORT=8080} (the path the doc gives a machine where 8080
 * is taken), the build's local repository for {@code mvn} ({@code MAVEN_OPTS}), a folder of models for
 * {@code /srv/models}, the realm file's path, {@code JAVA_HOME}, and C1 alone for Keycloak's JIT
 * ({@code JAVA_OPTS_APPEND}). The cases then take or refuse the clients' tokens as their roles say, and (issues 78, 94)
 * the shipped person signs in to the pages through the shipped client on Keycloak's own login page in the test JVM's
 * headless Chromium, on the block's tabserve and in Tomcat 11, with the credentials the doc shows.
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
    /** The block's first line: the ports, Keycloak's and tabserve's, which the test moves to free ones. */
    private static final String PORTS = "export KC_PORT=8180 TABSERVE_PORT=8080";

    private static final String WAR = "TABSERVE_OIDC_LOGIN_SECRET=$PAGES_SECRET java -jar target/tabserve.war ";
    private static final Path REALM_FILE = Path.of("docs/examples/keycloak-realm.json");

    static Process keycloak;
    static String base;
    static String realm = "ml";
    static Map<String, String> secrets;
    static TabserveProcess server;
    static ModelDirectory models;
    /** The block's tabserve as the doc's browser reaches it: {@code http://localhost:TABSERVE_PORT/}. */
    static URI pages;

    @BeforeAll
    static void start() throws Exception {
        int port = freePort();
        int pagesPort = freePort();
        while (pagesPort == port) {
            pagesPort = freePort();
        }
        base = "http://127.0.0.1:" + port;
        Path folder = Path.of("target/it/keycloak-run").toAbsolutePath();
        new ProcessBuilder("rm", "-rf", folder.toString()).inheritIO().start().waitFor();
        Files.createDirectories(folder);
        Path log = folder.resolve("keycloak.log");
        models = ModelDirectory.withFourModels();
        DocShell shell = DocShell.of("docs/security.md", "KeycloakIT")
                .in(folder)
                .replace(PORTS, "export KC_PORT=" + port + " TABSERVE_PORT=" + pagesPort)
                .replace(
                        "docs/examples/keycloak-realm.json",
                        REALM_FILE.toAbsolutePath().toString())
                .replace("/srv/models", models.root().toString())
                // The doc's mvn as written, on the build's local repository (which holds the tarball the build
                // resolved from Maven Central) where the build was given another than Maven's default.
                .environment("MAVEN_OPTS", "-Dmaven.repo.local=" + DocShell.localRepository())
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
                long started = System.nanoTime();
                keycloak = shell.start(i, log);
                long deadline = started + Duration.ofMinutes(8).toNanos();
                while (status(base + "/realms/master") != 200) {
                    assertTrue(keycloak.isAlive(), "Keycloak stopped; see " + log);
                    assertTrue(System.nanoTime() < deadline, "Keycloak did not answer within 8 minutes; see " + log);
                    Thread.sleep(250);
                }
                System.out.printf(
                        "KeycloakIT: Keycloak answered %d s after kc.sh, load %s%n",
                        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                        String.join(
                                " ",
                                List.of(Files.readString(Path.of("/proc/loadavg"))
                                                .split(" "))
                                        .subList(0, 3)));
            } else if (command.startsWith(WAR)) {
                String flags = shell.take(i).substring(WAR.length()).replace("$KC_PORT", shell.variable("KC_PORT"));
                // The launcher reads TABSERVE_PORT itself, as the doc's export gives it; the secret as the doc's
                // prefix gives it.
                server = TabserveProcess.start(
                        List.of(flags.split(" ")),
                        Map.of(
                                "TABSERVE_PORT",
                                shell.variable("TABSERVE_PORT"),
                                "TABSERVE_OIDC_LOGIN_SECRET",
                                shell.variable("PAGES_SECRET")));
                server.awaitReady(Duration.ofSeconds(120));
                assertEquals(pagesPort, server.uri().getPort(), "tabserve listens on the block's TABSERVE_PORT");
                pages = URI.create("http://localhost:" + pagesPort + "/");
            } else {
                String printed = shell.run(i, 300);
                if (command.contains("/api/predict")) {
                    assertTrue(printed.contains("\"label\""), shell.where(i) + ": " + printed);
                }
            }
        }
        shell.assertAllRun();
        assertTrue(shell.variable("SECRET").matches("[A-Za-z0-9]{16,}"), "Keycloak made notes' secret");
        assertTrue(shell.variable("PAGES_SECRET").matches("[A-Za-z0-9]{16,}"), "Keycloak made tabserve-pages' secret");
        secrets = Map.of(
                "notes",
                shell.variable("SECRET"),
                "ops",
                secretOf("ops"),
                "tabserve-pages",
                shell.variable("PAGES_SECRET"));
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
     * Issue 94: the pages' client as the realm file ships it requires PKCE with S256 and takes only its own redirects:
     * an authorization request without a code challenge is sent back with Keycloak's {@code invalid_request}, and one
     * whose redirect is another host's, or another path of a loopback address, is refused; a loopback address's
     * callback on any port (a moved {@code TABSERVE_PORT}) is Keycloak's login page.
     */
    @Test
    void theShippedPagesClientRequiresPkceS256AndItsOwnCallback() throws Exception {
        String challenge = "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
        HttpResponse<String> noPkce = authorize("http://localhost:1234/login/callback", "");
        assertEquals(302, noPkce.statusCode(), noPkce.body());
        String back = noPkce.headers().firstValue("Location").orElseThrow();
        assertTrue(
                back.startsWith("http://localhost:1234/login/callback?error=invalid_request")
                        && back.contains("code_challenge_method"),
                back);
        HttpResponse<String> plain = authorize(
                "http://localhost:1234/login/callback",
                "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=plain");
        assertEquals(302, plain.statusCode(), plain.body());
        assertTrue(plain.headers().firstValue("Location").orElseThrow().contains("error=invalid_request"));
        for (String callback :
                List.of("http://localhost:1234/login/callback", "http://127.0.0.1:4321/login/callback")) {
            HttpResponse<String> login = authorize(callback, challenge);
            assertEquals(200, login.statusCode(), callback + ": " + login.body());
            assertTrue(login.body().contains("id=\"username\""), callback + ": " + login.body());
        }
        for (String callback : List.of("http://models.example/login/callback", "http://localhost:1234/elsewhere")) {
            HttpResponse<String> refused = authorize(callback, challenge);
            assertEquals(400, refused.statusCode(), callback + ": " + refused.body());
        }
    }

    /** Keycloak's answer to an authorization request of {@code tabserve-pages} sending back to {@code callback}. */
    private static HttpResponse<String> authorize(String callback, String pkce) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/realms/" + realm
                                + "/protocol/openid-connect/auth?client_id=tabserve-pages&response_type=code"
                                + "&scope=openid&state=s&nonce=n&redirect_uri="
                                + URLEncoder.encode(callback, StandardCharsets.UTF_8) + pkce))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Issues 78 and 94: the person the realm file ships, with the password docs/security.md shows, through the
     * shipped login client {@code tabserve-pages} on the block's own tabserve, reached as the doc's browser reaches
     * it ({@code localhost} on {@code TABSERVE_PORT}): sent to Keycloak's own login page, signed in, predicts, is
     * refused a model and signs out.
     */
    @Test
    void aPersonSignsInThroughKeycloaksLoginPagePredictsIsRefusedAModelAndSignsOut() throws Exception {
        signInPredictBeRefusedAndSignOut(pages);
    }

    /**
     * The same sign-in in Tomcat 11 (made and started by docs/deploy.md's steps), the settings as the environment
     * variables docs/security.md names, the same client, its secret and person at {@code 127.0.0.1}: the login is a
     * portable servlet filter, and Tomcat's own session (which the app does not use) must not stand in for it.
     */
    @Test
    void aPersonSignsInToTheAppInTomcatAsInTheEmbeddedServer() throws Exception {
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
                        "tabserve-pages",
                        "TABSERVE_OIDC_LOGIN_SECRET",
                        secrets.get("tabserve-pages")))) {
            signInPredictBeRefusedAndSignOut(tomcat.uri());
        }
    }

    /**
     * The realm file's person (the user with a password, its name and password read from the file) opens a model's
     * form on {@code pages}, is sent to Keycloak's login page, signs in there, is named on the page, predicts through
     * the form, is refused a model it has no scope for in words naming the scope and itself, signs out (the app's
     * session and Keycloak's), and the cookie saved before is refused afterwards.
     */
    private static void signInPredictBeRefusedAndSignOut(URI pages) throws Exception {
        JsonNode person = shippedPerson();
        String user = person.get("username").asText();
        String password = person.path("credentials").get(0).get("value").asText();
        Chromium chromium = Chromium.shared(); // the test JVM's, as a new one: no cookie
        WebDriver browser = chromium.driver;
        browser.get(pages.resolve("/models/banknote/").toString());
        assertTrue(browser.getCurrentUrl().startsWith(base + "/realms/" + realm), browser.getCurrentUrl());
        assertEquals(
                1,
                browser.findElements(By.id("username")).size(),
                "Keycloak's login page, not its refusal: " + browser.getTitle() + " " + browser.getCurrentUrl());
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
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
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .withMessage(() -> "after sign-out the browser is at " + browser.getCurrentUrl() + ", titled '"
                        + browser.getTitle() + "'")
                .until(d -> d.getCurrentUrl().startsWith(base + "/realms/" + realm));
        assertTrue(
                browser.findElements(By.id("username")).size() == 1,
                "Keycloak's session ended too: its login page again, " + browser.getCurrentUrl());
        HttpResponse<String> replayed = HTTP.send(
                HttpRequest.newBuilder(pages.resolve("/api/models"))
                        .header("Cookie", "tabserve_session=" + saved)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, replayed.statusCode(), "the saved cookie is refused after sign-out: " + replayed.body());
    }

    /**
     * The one user of the realm file with a password (the person), which docs/security.md shows with that password
     * (the service accounts have none).
     */
    private static JsonNode shippedPerson() throws IOException {
        List<JsonNode> people = new java.util.ArrayList<>();
        JSON.readTree(REALM_FILE.toFile()).get("users").forEach(u -> {
            if (u.has("credentials")) {
                people.add(u);
            }
        });
        assertEquals(1, people.size(), "the realm file ships one person: " + people);
        JsonNode person = people.get(0);
        String user = person.get("username").asText();
        String password = person.path("credentials").get(0).get("value").asText();
        assertEquals(false, person.path("credentials").get(0).path("temporary").asBoolean(true), "not temporary");
        String shown = "**`" + user + "`**, password **`" + password + "`**";
        assertTrue(Files.readString(Path.of("docs/security.md")).contains(shown), "docs/security.md shows " + shown);
        return person;
    }
}
