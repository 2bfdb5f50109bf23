package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tabserve.cli.ConformalCards;
import org.tabserve.cli.ConformalServer;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * Issue 51, item 4: a regressor's conformal interval is clipped to the target values its card saw (the training and
 * calibration rows' entropy), and the answer says so ({@code "clipped": true} inside the interval, beside its other
 * keys): the entropy regressor's value ± q ran past the largest entropy of any row (as a fare's did below 0).
 */
@ExtendWith(ConformalServer.class)
class ClippedIntervalTest {

    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start(TabserveServer shared) throws Exception {
        server = shared;
        http = new Http(server);
    }

    /** The range of the {@code entropy} column over the files the card saw. */
    private static double[] seen() throws Exception {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (String file : List.of("train.csv", "calibration.csv")) {
            List<String> lines = Files.readAllLines(ConformalCards.FIXTURES.resolve(file));
            int column = List.of(lines.get(0).split(",")).indexOf("entropy");
            for (String line : lines.subList(1, lines.size())) {
                double value = Double.parseDouble(line.split(",")[column]);
                low = Math.min(low, value);
                high = Math.max(high, value);
            }
        }
        return new double[] {low, high};
    }

    @Test
    void anIntervalPastTheTargetsTheCardSawIsClippedAndSaysSo() throws Exception {
        double[] seen = seen();
        StringBuilder body = new StringBuilder("{\"coverage\": 0.95, \"instances\": [");
        List<String[]> rows = ConformalCards.testRows();
        for (int r = 0; r < rows.size(); r++) {
            body.append(r == 0 ? "" : ", ")
                    .append("[")
                    .append(String.join(", ", rows.get(r)[0], rows.get(r)[1], rows.get(r)[2]))
                    .append("]");
        }
        JsonNode predictions = http.postJson(
                        "/models/entropy/api/predict", body.append("]}").toString())
                .json()
                .path("predictions");
        int clipped = 0;
        for (JsonNode row : predictions) {
            JsonNode interval = row.path("interval");
            double value = row.path("value").asDouble();
            assertEquals(0.95, interval.path("coverage").asDouble(), row::toString);
            assertTrue(interval.path("lower").asDouble() <= value
                    && value <= interval.path("upper").asDouble());
            assertTrue(
                    interval.path("lower").asDouble() >= Math.min(seen[0], value)
                            && interval.path("upper").asDouble() <= Math.max(seen[1], value),
                    "within the targets the card saw, " + seen[0] + " to " + seen[1] + ": " + row);
            if (interval.path("clipped").asBoolean()) {
                clipped++;
                assertTrue(
                        interval.path("lower").asDouble() == seen[0]
                                || interval.path("upper").asDouble() == seen[1],
                        "an end is at the range's: " + row);
            } else {
                assertFalse(interval.has("clipped"), "said only when true: " + row);
            }
        }
        // Before: no interval said "clipped", and value ± q ran past the largest entropy seen, 2.1625.
        assertTrue(clipped > 0, "some intervals ran past the range: " + predictions.get(0));
    }
}
