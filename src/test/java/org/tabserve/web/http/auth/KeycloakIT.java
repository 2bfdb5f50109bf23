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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 63, OIDC with Keycloak as the issuer: its distribution from Maven Central ({@code target/it/keycloak-*},
 * unpacked by the build) started once in dev mode with the Java 21+ it needs, a realm made now through its admin REST
 * API with two clients, {@code notes} (the realm role {@code predict:banknote}) and {@code ops} ({@code admin},
 * {@code read}), each with an audience mapper for {@code tabserve}; their tokens, by the client-credentials grant,
 * sent to the packaged WAR started with {@code --oidc-issuer}, {@code --oidc-audience} and the roles' claim
 * ({@code TABSERVE_OIDC_SCOPES_CLAIM=realm_access.roles}), are taken or refused as their roles say.
 */
class KeycloakIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";

    static Process keycloak;
    static String base;
    static String realm;
    static Map<String, String> secrets;
    static TabserveProcess server;

    @BeforeAll
    static void start() throws Exception {
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        Path home = home();
        Path log = home.resolveSibling("keycloak.log");
        List<String> command = new ArrayList<>(List.of(
                "bash",
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--http-management-port=" + freePort()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment()
                .put(
                        "JAVA_HOME",
                        org.tabserve.testing.Jdks.atLeast(21, "Keycloak").toString());
        // C1 alone: Keycloak's build and start are a minute or two of JIT-heavy work on one
        // or two cores, which the tests' machines share
        builder.environment().put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        keycloak = builder.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (status(base + "/realms/master") != 200) {
            assertTrue(keycloak.isAlive(), "Keycloak stopped; see " + log);
            assertTrue(System.nanoTime() < deadline, "Keycloak did not answer within 5 minutes; see " + log);
            Thread.sleep(250);
        }
        realm = "tabserve-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        secrets = Map.of("notes", secret(), "ops", secret());
        makeRealm();
        ModelDirectory models = ModelDirectory.withFourModels();
        server = TabserveProcess.startReady(
                Map.of("TABSERVE_OIDC_SCOPES_CLAIM", "realm_access.roles"),
                "--models",
                models.root().toString(),
                "--oidc-issuer",
                base + "/realms/" + realm,
                "--oidc-audience",
                "tabserve");
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

    /** The unpacked distribution: failsafe's {@code tabserve.keycloak.home}, else the build's {@code target/it}. */
    private static Path home() throws IOException {
        Optional<String> chosen = Optional.ofNullable(System.getProperty("tabserve.keycloak.home"));
        if (chosen.isPresent()) {
            return Path.of(chosen.get()).toAbsolutePath();
        }
        try (Stream<Path> found = Files.list(Path.of("target/it"))) {
            return found.filter(p -> p.getFileName().toString().startsWith("keycloak-"))
                    .filter(Files::isDirectory)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Keycloak in target/it: run mvn package first"))
                    .toAbsolutePath();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String secret() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
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

    /** The realm, its roles, its two clients and their service accounts' roles, in one import. */
    private static void makeRealm() throws Exception {
        String admin = tokenOf(
                "master",
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
        List<Map<String, Object>> clients = new ArrayList<>();
        for (String client : List.of("notes", "ops")) {
            clients.add(Map.of(
                    "clientId",
                    client,
                    "secret",
                    secrets.get(client),
                    "publicClient",
                    false,
                    "serviceAccountsEnabled",
                    true,
                    "standardFlowEnabled",
                    false,
                    "protocolMappers",
                    List.of(Map.of(
                            "name", "tabserve-audience",
                            "protocol", "openid-connect",
                            "protocolMapper", "oidc-audience-mapper",
                            "config", Map.of("included.custom.audience", "tabserve", "access.token.claim", "true")))));
        }
        Map<String, Object> representation = Map.of(
                "realm",
                realm,
                "enabled",
                true,
                "roles",
                Map.of(
                        "realm",
                        List.of(Map.of("name", "predict:banknote"), Map.of("name", "admin"), Map.of("name", "read"))),
                "clients",
                clients,
                "users",
                List.of(
                        Map.of(
                                "username",
                                "service-account-notes",
                                "enabled",
                                true,
                                "serviceAccountClientId",
                                "notes",
                                "realmRoles",
                                List.of("predict:banknote")),
                        Map.of(
                                "username",
                                "service-account-ops",
                                "enabled",
                                true,
                                "serviceAccountClientId",
                                "ops",
                                "realmRoles",
                                List.of("admin", "read"))));
        HttpResponse<String> made = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/admin/realms"))
                        .header("Authorization", "Bearer " + admin)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(representation)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, made.statusCode(), made.body());
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
}
