package org.tabserve.launcher;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the launcher builds the server around the web app. */
class EmbeddedServerTest {

    @Test
    void theWebAppRunsWithoutSessionOrSecurityHandlersAndAnswersASessionCookieAsAnyOtherRequest() throws Exception {
        Server unstarted = EmbeddedServer.create(LauncherFlags.parse(List.of("--port", "0")), Path.of("webapp"));
        WebAppContext webapp = unstarted.getDescendant(WebAppContext.class);
        assertNull(webapp.getSessionHandler(),
                "tabserve keeps no sessions: a session handler costs every request a cookie lookup and a stream wrapper");
        assertNull(webapp.getSecurityHandler(), "web.xml declares no constraint: a security handler would look for one"
                + " on every request");

        try (TabserveServer server = TabserveServer.startReady()) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.uri() + "api/predict"))
                    .header("Content-Type", "application/json").header("Cookie", "JSESSIONID=node0abc.node0")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.4}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"label\""), answer.body());
            assertTrue(answer.headers().allValues("Set-Cookie").isEmpty(), answer.headers().toString());
        }
    }
}
