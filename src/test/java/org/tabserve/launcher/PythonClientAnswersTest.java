package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Python client (clients/python/tabserve_client.py, run by Debian's /usr/bin/python3) against HTTP servers of the
 * test's own (the JDK's HttpServer) that answer its labels as an untrusted server might: a {@code 302} to another
 * host (which records every request it gets) must not take the token there, nor its answer be taken for the
 * server's; and an answer longer than the client's {@code max_answer_bytes}, streamed (chunked) or declared
 * (Content-Length), must be refused at the bound, naming it, with far less read than was offered. Skipped, saying
 * why, without /usr/bin/python3.
 */
class PythonClientAnswersTest {

    static final Path SCRIPT =
            Path.of("src", "test", "resources", "org", "tabserve", "launcher", "tabserve_client_answers.py");
    static final String TOKEN = "answers-test-feedback-token-5e0c2b";
    /** What each long answer offers: 64 MiB, far past the 1 MiB bound the script gives its client. */
    static final long OFFERED = 64L << 20;

    static HttpServer server;
    static HttpServer otherHost;
    static final List<String> reachedOtherHost = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicLong> written = new ConcurrentHashMap<>();
    static final CountDownLatch longAnswersDone = new CountDownLatch(2);
    static JsonNode said;

    @BeforeAll
    static void runTheClient() throws Exception {
        PythonGrpcClientIT.Run python = PythonGrpcClientIT.run(List.of(PythonGrpcClientIT.PYTHON, "-c", "print(1)"));
        assumeTrue(python.exit() == 0, PythonGrpcClientIT.PYTHON + " does not run: " + python.output());
        InetAddress loopback = InetAddress.getLoopbackAddress();
        otherHost = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        otherHost.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            reachedOtherHost.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + (authorization == null ? "(no Authorization)" : authorization));
            exchange.getRequestBody().readAllBytes();
            answer(exchange, 200, "{\"received\": 1, \"joined\": 1, \"unknown\": 0}");
        });
        otherHost.start();
        server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        server.createContext("/models/redirect/api/feedback", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders()
                    .set(
                            "Location",
                            "http://localhost:" + otherHost.getAddress().getPort() + "/api/feedback?x=1");
            answer(exchange, 302, "");
        });
        server.createContext("/models/chunked/api/feedback", exchange -> offer(exchange, "chunked", 0));
        server.createContext("/models/declared/api/feedback", exchange -> offer(exchange, "declared", OFFERED));
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();

        ProcessBuilder builder = new ProcessBuilder(
                PythonGrpcClientIT.PYTHON,
                SCRIPT.toString(),
                "http://" + loopback.getHostAddress() + ":"
                        + server.getAddress().getPort(),
                TOKEN);
        builder.environment().put("PYTHONPATH", Path.of("clients", "python").toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        PythonGrpcClientIT.Run run = PythonGrpcClientIT.run(builder, 120);
        assertEquals(0, run.exit(), run.output());
        String[] lines = run.output().strip().split("\n");
        said = new ObjectMapper().readTree(lines[lines.length - 1]);
        longAnswersDone.await(10, TimeUnit.SECONDS); // the writers stop once the client hangs up
    }

    @AfterAll
    static void stop() {
        for (HttpServer s : new HttpServer[] {server, otherHost}) {
            if (s != null) {
                s.stop(0);
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Offers {@link #OFFERED} bytes of a JSON array, chunked ({@code length} 0) or declared, counting what goes. */
    private static void offer(HttpExchange exchange, String name, long length) throws IOException {
        AtomicLong sent = written.computeIfAbsent(name, n -> new AtomicLong());
        try {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, length);
            byte[] block = new byte[64 << 10];
            java.util.Arrays.fill(block, (byte) ' ');
            block[0] = '[';
            try (OutputStream out = exchange.getResponseBody()) {
                while (sent.get() < OFFERED) {
                    out.write(block);
                    block[0] = ' ';
                    sent.addAndGet(block.length);
                }
            }
        } catch (IOException cutOff) {
            // the client hung up: what it took is counted
        } finally {
            exchange.close();
            longAnswersDone.countDown();
        }
    }

    @Test
    void aRedirectOfALabelIsNotFollowedAndTheTokenNeverReachesTheOtherHost() {
        JsonNode redirect = said.path("redirect");
        assertEquals("AnswerRefused", redirect.path("error").asText(), redirect::toString);
        assertEquals(302, redirect.path("status").asInt());
        assertEquals("Redirect not followed", redirect.path("title").asText());
        String detail = redirect.path("detail").asText();
        assertTrue(
                detail.contains("a redirect to http://localhost:"
                                + otherHost.getAddress().getPort() + "/api/feedback")
                        && detail.contains("the token was not sent there"),
                detail);
        assertTrue(!detail.contains("x=1") && !detail.contains(TOKEN), "no query, no token: " + detail);
        assertTrue(
                reachedOtherHost.stream().noneMatch(r -> r.contains(TOKEN)),
                "the token reached the other host: " + reachedOtherHost);
    }

    @Test
    void aRedirectOfARequestWithoutTheTokenIsFollowedAsBefore() {
        assertEquals(
                1,
                said.path("redirect_without_token")
                        .path("answer")
                        .path("joined")
                        .asInt(),
                said::toString);
        assertTrue(
                reachedOtherHost.stream().anyMatch(r -> r.endsWith("(no Authorization)")), reachedOtherHost::toString);
    }

    @Test
    void anAnswerLongerThanTheBoundIsRefusedAtItNamingItAndNotReadToItsEnd() {
        for (String name : List.of("chunked", "declared")) {
            JsonNode refused = said.path(name);
            assertEquals("AnswerRefused", refused.path("error").asText(), name + ": " + refused);
            assertEquals("Answer too long", refused.path("title").asText(), name);
            assertEquals(200, refused.path("status").asInt(), name);
            String detail = refused.path("detail").asText();
            assertTrue(detail.contains("max_answer_bytes (1048576 bytes)"), name + ": " + detail);
            assertEquals(0, longAnswersDone.getCount(), "the long answers' writers stopped");
            long sent = written.get(name).get();
            // The bound and what the sockets' buffers hold on the way: far less than offered.
            assertTrue(sent < OFFERED / 4, name + ": " + sent + " bytes went before the client hung up");
        }
        assertTrue(said.path("declared").path("detail").asText().contains("declares " + OFFERED + " bytes"));
    }

    @Test
    void theBoundHasADocumentedDefaultAndABadOneIsRefusedNamingIt() {
        assertEquals(256L << 20, said.path("default_max_answer_bytes").asLong());
        JsonNode bad = said.path("bad_bound");
        assertEquals("ValueError", bad.path("error").asText(), bad::toString);
        assertTrue(bad.path("words").asText().contains("max_answer_bytes"), bad::toString);
    }
}
