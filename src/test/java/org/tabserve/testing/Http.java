package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.tabserve.launcher.TabserveServer;

/**
 * The JDK HttpClient pointed at one running tabserve. Every response it hands back has already been checked for
 * what no response may do: carry a {@code Server} header, or (for errors) name Jetty or show a Java stack trace.
 */
public final class Http implements BeforeAllCallback, AfterAllCallback {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempts: plain HTTP/1.1 as curl would send
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private RunningServer server;
    private final boolean ownsServer;
    private final String[] launcherArgs;
    private final java.util.Map<String, String> environment;

    public Http(RunningServer server) {
        this.server = server;
        this.ownsServer = false;
        this.launcherArgs = new String[0];
        this.environment = java.util.Map.of();
    }

    private Http(java.util.Map<String, String> environment, String... launcherArgs) {
        this.ownsServer = true;
        this.launcherArgs = launcherArgs.clone();
        this.environment = java.util.Map.copyOf(environment);
    }

    /** A server that the classes of {@link #sharingTheApp()} share, closed when the JVM's tests end. */
    private record Shared(TabserveServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    private static final ExtensionContext.Namespace SHARED = ExtensionContext.Namespace.create(Http.class);

    /** The fixture whose shared server this class uses ({@link #sharingTheApp()}), or null for a server of its own. */
    private String fixture;

    /** The launcher flags of the shared server of {@link #fixture}, worked out by the class that starts it. */
    private java.util.concurrent.Callable<String[]> fixtureArgs;

    /**
     * The test JVM's one server of the bundled model, with no flags, as {@link #startingTheApp()} starts, for a class
     * that only reads from it: it scores, uploads and reads answers and pages, and changes no model, setting or
     * figure another class reads (no admin route, no counter it compares, no read of the server's log). Started by
     * the first such class, closed when the JVM's tests end: {@code @RegisterExtension static final Http http =
     * Http.sharingTheApp();}.
     */
    public static Http sharingTheApp() {
        return sharing("the bundled model", () -> new String[0]);
    }

    /**
     * As {@link #sharingTheApp()}, for the test JVM's one server of the models of {@code fixture} ({@code --models}
     * the directory {@code models} makes, called once, by the first class that asks): every class that names the same
     * fixture must make the same directory and only read from its server.
     */
    public static Http sharingTheModels(String fixture, java.util.concurrent.Callable<ModelDirectory> models) {
        return sharing("models: " + fixture, () ->
                new String[] {"--models", models.call().root().toString()});
    }

    private static Http sharing(String fixture, java.util.concurrent.Callable<String[]> launcherArgs) {
        Http http = new Http(java.util.Map.of());
        http.fixture = fixture;
        http.fixtureArgs = launcherArgs;
        return http;
    }

    /**
     * One server in this JVM ({@link TabserveServer}) for a whole test class: register it with
     * {@code @RegisterExtension static final Http http = Http.startingTheApp();} and it starts before the class's
     * tests and stops after them.
     */
    public static Http startingTheApp() {
        return new Http(java.util.Map.of());
    }

    /** As {@link #startingTheApp()}, with launcher flags such as {@code --idle-timeout 2}. */
    public static Http startingTheApp(String... launcherArgs) {
        return new Http(java.util.Map.of(), launcherArgs);
    }

    /** As {@link #startingTheApp()}, with environment variables such as {@code TABSERVE_ADMIN_TOKEN}. */
    public static Http startingTheApp(java.util.Map<String, String> environment, String... launcherArgs) {
        return new Http(environment, launcherArgs);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (fixture != null) {
            server = context.getRoot()
                    .getStore(SHARED)
                    .getOrComputeIfAbsent(fixture, key -> start(fixtureArgs), Shared.class)
                    .server();
        } else if (ownsServer) {
            server = TabserveServer.startReady(environment, launcherArgs);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (ownsServer && fixture == null && server != null) {
            server.close();
        }
    }

    private static Shared start(java.util.concurrent.Callable<String[]> launcherArgs) {
        try {
            return new Shared(TabserveServer.startReady(launcherArgs.call()));
        } catch (Exception e) {
            throw new IllegalStateException("the shared server did not start", e);
        }
    }

    /** @return the running server */
    public RunningServer server() {
        return server;
    }

    /**
     * The same server through a new connection pool, for a request that the server may answer before reading its
     * whole body: it then drops the connection without saying so (see ErrorResponsesTest), which would fail whatever
     * request reuses it next.
     */
    public Http fresh() {
        return new Http(server);
    }

    public URI uri(String pathAndQuery) {
        return server.uri(pathAndQuery);
    }

    public Response get(String path, String... headers) {
        return send("GET", path, BodyPublishers.noBody(), headers);
    }

    public Response postJson(String path, String json) {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public Response postForm(String path, String form, String... headers) {
        List<String> all = new ArrayList<>(List.of(headers));
        all.addAll(List.of("Content-Type", "application/x-www-form-urlencoded"));
        return send("POST", path, BodyPublishers.ofString(form), all.toArray(String[]::new));
    }

    /** POSTs a body; a null content type sends none. */
    public Response post(String path, String contentType, byte[] body, String... headers) {
        List<String> all = new ArrayList<>(List.of(headers));
        if (contentType != null) {
            all.addAll(List.of("Content-Type", contentType));
        }
        return send("POST", path, BodyPublishers.ofByteArray(body), all.toArray(String[]::new));
    }

    public Response upload(String path, Multipart multipart, String... headers) {
        List<String> all = new ArrayList<>(List.of(headers));
        all.addAll(List.of("Content-Type", multipart.contentType()));
        return send("POST", path, BodyPublishers.ofByteArray(multipart.bytes()), all.toArray(String[]::new));
    }

    public Response send(String method, String path, BodyPublisher body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            var response = client.send(request.build(), BodyHandlers.ofByteArray());
            Response checked =
                    new Response(method + " " + path, response.statusCode(), response.headers(), response.body());
            checked.assertRevealsNothingAboutTheServer();
            return checked;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One answer, with the assertions the tests share. */
    public record Response(String request, int status, HttpHeaders headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** The media type without parameters, lower case, e.g. {@code application/json}. */
        public String mediaType() {
            String type = header("Content-Type").orElse("");
            return type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        }

        /** The charset parameter of the content type, lower case, if any. */
        public Optional<String> charset() {
            for (String parameter : header("Content-Type").orElse("").split(";")) {
                String[] pair = parameter.strip().split("=", 2);
                if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                    return Optional.of(pair[1].strip().replace("\"", "").toLowerCase(Locale.ROOT));
                }
            }
            return Optional.empty();
        }

        /** Asserts a 200 JSON answer and parses it. */
        public JsonNode json() {
            assertEquals(200, status, () -> request + " answered " + status + ": " + text());
            assertEquals("application/json", mediaType(), request);
            return parse();
        }

        /**
         * Asserts an RFC 9457 problem with this status (in the status line and the body) and a title and detail.
         */
        public JsonNode problem(int expectedStatus) {
            assertEquals(expectedStatus, status, () -> request + " answered " + status + ": " + text());
            assertEquals("application/problem+json", mediaType(), () -> request + ": " + header("Content-Type"));
            JsonNode problem = parse();
            assertEquals(expectedStatus, problem.path("status").asInt(), () -> "status in " + problem);
            assertFalse(problem.path("title").asText().isBlank(), () -> "title in " + problem);
            assertFalse(problem.path("detail").asText().isBlank(), () -> "detail in " + problem);
            return problem;
        }

        /** The {@code field} of each entry of a problem's {@code errors}, in order. */
        public List<String> errorFields(int expectedStatus) {
            List<String> fields = new ArrayList<>();
            problem(expectedStatus)
                    .path("errors")
                    .forEach(e -> fields.add(e.path("field").asText()));
            return fields;
        }

        /** Asserts an HTML page and parses it. */
        public Document html() {
            assertEquals("text/html", mediaType(), request);
            return Jsoup.parse(text(), "http://tabserve.test/");
        }

        public JsonNode parse() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return fail(request + ": not JSON: " + text(), e);
            }
        }

        /** No Server header on any answer; no Jetty, exception name or stack frame in any error's body. */
        public void assertRevealsNothingAboutTheServer() {
            assertTrue(
                    headers.firstValue("Server").isEmpty(),
                    () -> request + " sent Server: " + headers.firstValue("Server"));
            assertTrue(headers.firstValue("X-Powered-By").isEmpty(), () -> request + " sent X-Powered-By");
            if (status >= 400) {
                // The request's own path may be echoed (instance, detail): only what the server adds counts.
                String path = request.substring(request.indexOf(' ') + 1).split("\\?", 2)[0];
                String lower = text().replace(path, "").toLowerCase(Locale.ROOT);
                for (String tell : List.of("jetty", "exception", "at org.", "at java.", "at jakarta.")) {
                    assertFalse(
                            lower.contains(tell),
                            () -> request + " (" + status + ") reveals '" + tell + "': " + text());
                }
            }
        }
    }

    /** Asserts the element exists and returns its text. */
    public static String textOf(Document page, String cssQuery) {
        var element = page.selectFirst(cssQuery);
        assertNotNull(element, () -> "no " + cssQuery + " in:\n" + page.body());
        return element.text();
    }
}
