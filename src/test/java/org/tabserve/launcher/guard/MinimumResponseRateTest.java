package org.tabserve.launcher.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.RawH2c;
import org.tabserve.launcher.TabserveServer;

/**
 * A client that asks for answers and reads none of them: one HTTP/2 connection with a stream window of 0 opens 100
 * streams of {@code GET /openapi.json} (about 40 KB each, none of which can be sent). It must not hold every
 * concurrency slot (HTTP/2's concurrent streams per connection are fewer than the slots), and the streams it opened
 * must not keep theirs past the minimum response rate's grace: each is reset (and counted in {@code /metrics}), and
 * others are served meanwhile.
 */
class MinimumResponseRateTest {

    private static final int STREAMS = 100;

    @Test
    void aConnectionThatReadsNothingTakesFewerSlotsThanThereAreAndLosesThemAtTheMinimumRate() throws Exception {
        // A grace of 1 s, so that the minimum applies soon; an idle timeout far longer, so that it is not what ends
        // the streams.
        try (TabserveServer server =
                        TabserveServer.startReady("--idle-timeout", "300", "--min-request-rate-grace", "1");
                RawH2c h2 = new RawH2c(server.uri(), Map.of(RawH2c.INITIAL_WINDOW_SIZE, 0))) {
            for (int i = 0; i < STREAMS; i++) {
                h2.request(1 + 2 * i, "GET", "/openapi.json", true);
            }
            // Every stream gets its answer's headers (its body stuck behind the window of 0) or is refused.
            Set<Integer> answered = new HashSet<>();
            Set<Integer> reset = new HashSet<>();
            while (answered.size() + reset.size() < STREAMS) {
                RawH2c.Frame frame = h2.next();
                if (frame.type() == RawH2c.HEADERS && !reset.contains(frame.stream())) {
                    answered.add(frame.stream());
                } else if (frame.type() == RawH2c.RST_STREAM) {
                    answered.remove(frame.stream());
                    reset.add(frame.stream());
                }
            }

            // Meanwhile, other clients are served: the connection holds fewer slots than there are.
            HttpClient client = HttpClient.newHttpClient();
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 66; i++) {
                statuses.add(client.send(
                                HttpRequest.newBuilder(server.uri("/openapi.json"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode());
            }
            assertEquals(66, statuses.stream().filter(status -> status == 200).count(), statuses.toString());

            // And the streams it keeps are reset once the grace is over, as no byte of their answers was read.
            Set<Integer> waiting = new HashSet<>(answered);
            while (!waiting.isEmpty()) {
                RawH2c.Frame frame = h2.next();
                if (frame.type() == RawH2c.RST_STREAM) {
                    waiting.remove(frame.stream());
                }
            }
            String metrics = client.send(
                            HttpRequest.newBuilder(server.uri("/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(
                    metrics.contains("\ntabserve_responses_cut_total " + answered.size() + ".0\n"),
                    answered.size() + " cut: " + metrics);
        }
    }
}
