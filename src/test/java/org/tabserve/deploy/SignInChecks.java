package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every runtime of the deployment suite must hold of a person's sign-in (docs/security.md, "A person's sign-in to
 * the pages"), against the suite's own issuer ({@link SuiteIssuer}), on the server it already started
 * ({@link DeploymentChecks} implements this): a flood of anonymous starts from one address is refused past
 * {@code tabserve.max-login-starts-per-address} with 429 and {@code Retry-After} while a sign-in started before it
 * still ends in a session, with the cookies the container sends as security.md says; and callbacks waiting on a token
 * endpoint that holds its answers are bounded apart (past 8 a 503 with {@code Retry-After} at once) and leave the API
 * and the probe answered. What differs per container and is checked here: the callback's filter ahead of the
 * concurrency limit, the cookies as each container's cookie processor writes and reads them ({@code __Host-}, {@code
 * SameSite}, the sealed pre-login value), the 429 and 503 with their headers. Each case from a loopback address of its
 * own (127.0.0.3, 127.0.0.4), so that their starts are counted apart, whatever their order.
 */
interface SignInChecks {

    /** The token exchanges a runtime runs at once (LoginCallback.MAX_EXCHANGES, docs/security.md). */
    int EXCHANGES = 8;
    /** Anonymous callbacks sent while the token endpoint holds: more than {@link #EXCHANGES}. */
    int CALLBACKS = 12;
    /** Starts past the bound in the flood. */
    int PAST_THE_BOUND = 10;
    /** Room for a busy machine on every wait. */
    Duration SLACK = Duration.ofSeconds(60);

    /** @return why this runtime cannot sign a person in through the suite's issuer, or empty where it can */
    default Optional<String> noSignInBecause() {
        return Optional.empty();
    }

    @Test
    default void aSignInFloodFromOneAddressIs429WhileASignInStartedBeforeItCompletes() throws Exception {
        noSignInBecause().ifPresent(why -> Assumptions.assumeTrue(false, why));
        long began = System.nanoTime();
        DeploymentChecks suite = (DeploymentChecks) this;
        InetAddress from = InetAddress.getByName("127.0.0.3");
        // The genuine sign-in starts first, through a proxy that says the browser came over HTTPS.
        Answer start = navigate(from, suite.uri("/login?next=/card"), "X-Forwarded-Proto: https");
        assertEquals(302, start.status(), start.toString());
        URI toIssuer = URI.create(start.header("location"));
        String login = start.cookie("__Host-tabserve_login");
        assertSecureHostCookie(start.setCookie("__Host-tabserve_login"));
        // The flood: the bound's worth of starts and more, at once, from the same address.
        int flood = SuiteIssuer.STARTS_PER_ADDRESS + PAST_THE_BOUND;
        List<Answer> flooded = all(flood, i -> navigate(from, suite.uri("/login?next=/"), ""));
        List<Answer> refused = flooded.stream().filter(a -> a.status() == 429).toList();
        long let = flooded.stream().filter(a -> a.status() == 302).count();
        // One start is the genuine sign-in's, unless the ten minutes' window turned between it and the flood.
        assertTrue(
                let == SuiteIssuer.STARTS_PER_ADDRESS - 1 || let == SuiteIssuer.STARTS_PER_ADDRESS,
                "starts within the bound (one taken by the genuine sign-in) go to the issuer: " + statuses(flooded));
        assertEquals(flood - let, refused.size(), "the rest refused: " + statuses(flooded));
        for (Answer answer : refused) {
            assertTrue(Long.parseLong(answer.header("retry-after")) > 0, answer.toString());
            assertTrue(answer.body().contains("tabserve.max-login-starts-per-address"), answer.toString());
        }
        // The genuine sign-in ends: the issuer's code, the callback with the pre-login cookie, the session's cookie.
        HttpResponse<String> back =
                DeploymentChecks.send(HttpRequest.newBuilder(toIssuer).GET().build());
        assertEquals(302, back.statusCode(), "the issuer sends the browser back with a code: " + back.body());
        URI returned = URI.create(back.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> landed =
                DeploymentChecks.send(HttpRequest.newBuilder(suite.uri("/login/callback?" + returned.getRawQuery()))
                        .header("Cookie", "__Host-tabserve_login=" + login)
                        .header("X-Forwarded-Proto", "https")
                        .header("Accept", "text/html")
                        .GET()
                        .build());
        assertEquals(303, landed.statusCode(), landed.body());
        String session = landed.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("__Host-tabserve_session="))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "a session cookie: " + landed.headers().map()));
        assertSecureHostCookie(session);
        HttpResponse<String> page = DeploymentChecks.send(HttpRequest.newBuilder(suite.base()
                        .resolve(landed.headers().firstValue("Location").orElseThrow()))
                .header("Cookie", session.substring(0, session.indexOf(';')))
                .header("X-Forwarded-Proto", "https")
                .header("Accept", "text/html")
                .GET()
                .build());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(
                page.body().contains("id=\"signed-in-name\">" + SuiteIssuer.PERSON + "<"),
                "the page is answered as the person: " + page.body());
        ServerProcess.record(suite.getClass().getSimpleName() + ": sign-in flood of " + flood + " starts, "
                + refused.size() + " refused 429, the genuine sign-in ended in a session; case took "
                + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms");
    }

    @Test
    default void callbacksWaitingOnASlowTokenEndpointAreBoundedAndLeaveTheApiAnswered() throws Exception {
        noSignInBecause().ifPresent(why -> Assumptions.assumeTrue(false, why));
        long began = System.nanoTime();
        DeploymentChecks suite = (DeploymentChecks) this;
        InetAddress from = InetAddress.getByName("127.0.0.4");
        // Anonymous starts over plain HTTP: a state and its pre-login cookie each, the cookie's plain form.
        String context = suite.base().getPath().replaceAll("/$", "");
        List<Answer> starts = new ArrayList<>();
        for (int i = 0; i < CALLBACKS; i++) { // one after another: a start takes a request slot while it is served
            starts.add(navigate(from, suite.uri("/login?next=/"), ""));
        }
        List<HttpRequest> callbacks = new ArrayList<>();
        for (Answer start : starts) {
            assertEquals(302, start.status(), start.toString());
            String cookie = start.setCookie("tabserve_login");
            String attributes = cookie.toLowerCase(Locale.ROOT);
            assertTrue(attributes.contains("; path=" + context + "/login"), cookie);
            assertTrue(attributes.contains("; httponly"), cookie);
            assertTrue(attributes.contains("; samesite=lax"), cookie);
            assertFalse(attributes.contains("; secure"), "over plain HTTP: " + cookie);
            String state = query(URI.create(start.header("location"))).get("state");
            callbacks.add(HttpRequest.newBuilder(suite.uri("/login/callback?code=made-up&state=" + state))
                    .header("Cookie", "tabserve_login=" + start.cookie("tabserve_login"))
                    .header("Accept", "text/html")
                    .timeout(SLACK.multipliedBy(2))
                    .GET()
                    .build());
        }
        int trickledBefore = SuiteIssuer.PROXY.trickled();
        SuiteIssuer.PROXY.slow(line -> line.startsWith("POST /token"), 0); // its answers held
        ExecutorService callers = Executors.newFixedThreadPool(CALLBACKS);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (HttpRequest callback : callbacks) {
                answers.add(callers.submit(() -> DeploymentChecks.send(callback)));
            }
            long until = System.nanoTime() + SLACK.toNanos();
            while (SuiteIssuer.PROXY.trickled()
                            - trickledBefore
                            + answers.stream().filter(Future::isDone).count()
                    < CALLBACKS) {
                assertTrue(System.nanoTime() < until, "each callback waits on the issuer or is answered");
                Thread.sleep(50);
            }
            // Meanwhile the API and the probe are answered: no callback holds a request slot.
            HttpResponse<String> prediction = suite.postJson("/api/predict", DeploymentChecks.GENUINE_ROW);
            assertEquals(200, prediction.statusCode(), "a prediction beside the held callbacks: " + prediction.body());
            HttpResponse<String> ready = DeploymentChecks.send(
                    HttpRequest.newBuilder(suite.uri("/health/ready")).build());
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals(EXCHANGES, SuiteIssuer.PROXY.trickled() - trickledBefore, "the exchanges' own bound waits");
            int busy = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                if (answer.isDone()) {
                    HttpResponse<String> refused = answer.get();
                    assertEquals(503, refused.statusCode(), refused.body());
                    assertEquals(
                            "5", refused.headers().firstValue("Retry-After").orElse(""), refused.body());
                    assertTrue(refused.body().contains("sign-ins at once already"), refused.body());
                    busy++;
                }
            }
            assertEquals(CALLBACKS - EXCHANGES, busy, "the callbacks past the bound are refused at once");
            SuiteIssuer.PROXY.release(); // the token endpoint answers: the made-up codes are refused in words
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> ended = answer.get(SLACK.toSeconds(), TimeUnit.SECONDS);
                assertTrue(ended.statusCode() == 401 || ended.statusCode() == 503, ended.body());
            }
        } finally {
            SuiteIssuer.PROXY.release();
            callers.shutdownNow();
        }
        assertEquals(
                200,
                suite.postJson("/api/predict", DeploymentChecks.GENUINE_ROW).statusCode(),
                "the runtime is alive after the endpoint let go");
        ServerProcess.record(suite.getClass().getSimpleName() + ": " + CALLBACKS
                + " callbacks on a held token endpoint, " + EXCHANGES + " held, the rest 503; case took "
                + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms");
    }

    /** A {@code __Host-} cookie as security.md says: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain. */
    private static void assertSecureHostCookie(String cookie) {
        String attributes = cookie.toLowerCase(Locale.ROOT);
        for (String attribute : List.of("; secure", "; httponly", "; samesite=lax", "; path=/")) {
            assertTrue(attributes.contains(attribute), attribute + ": " + cookie);
        }
        assertFalse(attributes.matches(".*; path=/[^;].*"), "Path=/ alone: " + cookie);
        assertFalse(attributes.contains("; domain="), "no Domain: " + cookie);
    }

    /** An answer read off a raw connection: its status, its headers (names in lower case), its body. */
    record Answer(int status, List<String[]> headers, String body) {

        String header(String name) {
            return headers.stream()
                    .filter(h -> h[0].equals(name))
                    .map(h -> h[1])
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + ": " + this));
        }

        /** @return the {@code Set-Cookie} line of the cookie {@code name} */
        String setCookie(String name) {
            return headers.stream()
                    .filter(h -> h[0].equals("set-cookie") && h[1].startsWith(name + "="))
                    .map(h -> h[1])
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no cookie " + name + ": " + this));
        }

        /** @return the value the cookie {@code name} is set to */
        String cookie(String name) {
            String line = setCookie(name);
            int end = line.indexOf(';');
            return line.substring(name.length() + 1, end < 0 ? line.length() : end);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(Integer.toString(status));
            headers.forEach(h -> text.append("\n").append(h[0]).append(": ").append(h[1]));
            return text.append("\n\n").append(body).toString();
        }
    }

    /**
     * A browser's navigation to {@code uri} from the local address {@code from} (the start's count is the remote
     * address's), on a connection of its own, with {@code extra} header lines ({@code "Name: value"}, or empty).
     */
    private static Answer navigate(InetAddress from, URI uri, String extra) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            socket.setSoTimeout((int) SLACK.toMillis());
            String request = "GET " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAccept: text/html\r\nConnection: close\r\n" + (extra.isEmpty() ? "" : extra + "\r\n")
                    + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(read);
            String text = read.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, "a whole answer's head: " + text);
            String[] lines = text.substring(0, end).split("\r\n");
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.add(new String[] {
                    lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip()
                });
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }
    }

    /** One client's call. */
    interface Call {
        Answer call(int i) throws Exception;
    }

    /** {@code n} calls at once, each on a thread of its own; their answers in order. */
    private static List<Answer> all(int n, Call call) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(n);
        try {
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int client = i;
                answers.add(clients.submit((Callable<Answer>) () -> call.call(client)));
            }
            List<Answer> all = new ArrayList<>();
            for (Future<Answer> answer : answers) {
                all.add(answer.get(SLACK.toSeconds(), TimeUnit.SECONDS));
            }
            return all;
        } finally {
            clients.shutdownNow();
        }
    }

    private static Map<Integer, Long> statuses(List<Answer> answers) {
        Map<Integer, Long> counts = new HashMap<>();
        answers.forEach(a -> counts.merge(a.status(), 1L, Long::sum));
        return counts;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }
}
