package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.MemoryUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the launcher builds the server around the web app, and what it tells Jetty first: how many references fill a
 * cache line, so that Jetty need not start the platform MBean server to find out (the answer must be the one Jetty
 * would work out itself, and an operator's own setting wins).
 */
class EmbeddedServerTest {

    private String before;

    @BeforeEach
    void clear() {
        before = System.clearProperty(CacheLineReferences.REFERENCES_PER_CACHE_LINE);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(CacheLineReferences.REFERENCES_PER_CACHE_LINE);
        } else {
            System.setProperty(CacheLineReferences.REFERENCES_PER_CACHE_LINE, before);
        }
    }

    @Test
    void theWebAppRunsWithoutSessionOrSecurityHandlersAndAnswersASessionCookieAsAnyOtherRequest() throws Exception {
        Server unstarted = EmbeddedServer.create(LauncherFlags.parse(List.of("--port", "0")), Path.of("webapp"));
        WebAppContext webapp = unstarted.getDescendant(WebAppContext.class);
        assertNull(
                webapp.getSessionHandler(),
                "tabserve keeps no sessions: a session handler costs every request a cookie lookup and a stream wrapper");
        assertNull(
                webapp.getSecurityHandler(),
                "web.xml declares no constraint: a security handler would look for one" + " on every request");

        try (TabserveServer server = TabserveServer.startReady()) {
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.uri() + "api/predict"))
                                    .header("Content-Type", "application/json")
                                    .header("Cookie", "JSESSIONID=node0abc.node0")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.4}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"label\""), answer.body());
            assertTrue(
                    answer.headers().allValues("Set-Cookie").isEmpty(),
                    answer.headers().toString());
        }
    }

    /**
     * Jetty's default descriptor declared two security constraints (TRACE's) that a web app without a security handler
     * cannot apply, a warning each at every start; and without them TRACE reached servlets that echo it (the metrics,
     * the gRPC service). The launcher's own defaults have none, and the app refuses TRACE with 405 itself, echoing
     * nothing.
     */
    @Test
    void startsWithoutASecurityConstraintWarningAndRefusesTraceOnEveryPathEchoingNothing() throws Exception {
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler collect = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger jetty = java.util.logging.Logger.getLogger("org.eclipse.jetty");
        jetty.addHandler(collect);
        try (TabserveServer server = TabserveServer.startReady()) {
            assertTrue(
                    warnings.stream().noneMatch(warning -> warning.contains("security-constraint")),
                    warnings.toString());
            for (String path : List.of(
                    "/metrics",
                    "/inference.GRPCInferenceService/ServerLive",
                    "/api/model",
                    "/static/tabserve.css",
                    "/")) {
                String answer = raw(
                        server.uri(),
                        "TRACE " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                                + "Authorization: Bearer secret-token\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
                assertTrue(answer.startsWith("HTTP/1.1 405 "), path + ": " + answer);
                assertFalse(answer.contains("secret-token") || answer.contains("message/http"), path + ": " + answer);
            }
        } finally {
            jetty.removeHandler(collect);
        }
    }

    /** Sends {@code request} as written and reads the answer until the server closes the connection. */
    private static String raw(URI server, String request) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** What Jetty's MemoryUtils answers without the setting: it asks the MBean server about compressed oops. */
    @Test
    void givesJettyTheReferencesPerCacheLineItWouldWorkOutThroughTheMBeanServer() throws Exception {
        CompositeData option = (CompositeData) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        ObjectName.getInstance("com.sun.management:type=HotSpotDiagnostic"),
                        "getVMOption",
                        new Object[] {"UseCompressedOops"},
                        new String[] {String.class.getName()});
        int jettys = Boolean.parseBoolean((String) option.get("value"))
                ? MemoryUtils.getIntegersPerCacheLine()
                : MemoryUtils.getLongsPerCacheLine();

        CacheLineReferences.preset();

        assertEquals(Integer.toString(jettys), System.getProperty(CacheLineReferences.REFERENCES_PER_CACHE_LINE));
    }

    @Test
    void leavesAnOperatorsOwnSettingAlone() {
        System.setProperty(CacheLineReferences.REFERENCES_PER_CACHE_LINE, "3");

        CacheLineReferences.preset();

        assertEquals("3", System.getProperty(CacheLineReferences.REFERENCES_PER_CACHE_LINE));
    }
}
