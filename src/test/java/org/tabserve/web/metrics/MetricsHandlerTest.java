package org.tabserve.web.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;

/**
 * {@code GET /metrics} renders a shared answer per format, and each answer is the one the Prometheus client's servlet
 * gave before: the text format by default, OpenMetrics when asked, gzipped when accepted, and a query ({@code name[]},
 * {@code debug}) answered by the client's own handler.
 */
class MetricsHandlerTest {

    @RegisterExtension
    static final Http http = Http.startingTheApp();

    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** The metric families an answer declares ({@code # TYPE name kind}). */
    private static Set<String> families(String text) {
        Set<String> names = new TreeSet<>();
        text.lines().filter(line -> line.startsWith("# TYPE ")).forEach(line -> names.add(line.split(" ")[2]));
        return names;
    }

    @Test
    void theTextFormatByDefaultWithItsLengthAndTheJvmsSeries() {
        Http.Response answer = http.get(MetricsHandler.PATH);
        assertEquals(200, answer.status());
        assertEquals(TEXT, answer.header("Content-Type").orElseThrow());
        assertFalse(answer.header("Content-Encoding").isPresent());
        assertEquals(
                Integer.toString(answer.body().length),
                answer.header("Content-Length").orElseThrow());
        Set<String> families = families(answer.text());
        assertTrue(families.contains("tabserve_explanation_model_rows_total"), families::toString);
        assertTrue(families.contains("tabserve_model_info"), families::toString);
        assertTrue(families.contains("jvm_memory_used_bytes"), "the JVM's metrics join at the first scrape");
        assertFalse(answer.text().contains("# EOF"), "the text format has no OpenMetrics end");
    }

    @Test
    void openMetricsWhenTheScraperAsksForIt() {
        Http.Response answer = http.get(
                MetricsHandler.PATH,
                "Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertEquals(200, answer.status());
        assertTrue(answer.header("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
        assertTrue(answer.text().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(
                families(answer.text()).contains("tabserve_explanation_model_rows"),
                "OpenMetrics names a counter bare");
    }

    @Test
    void gzippedWhenAcceptedWithTheSameFamiliesAsThePlainAnswer() throws IOException {
        Http.Response zipped = http.get(MetricsHandler.PATH, "Accept-Encoding", "deflate, gzip");
        assertEquals(200, zipped.status());
        assertEquals("gzip", zipped.header("Content-Encoding").orElseThrow());
        assertEquals(TEXT, zipped.header("Content-Type").orElseThrow());
        String text;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(families(http.get(MetricsHandler.PATH).text()), families(text));
    }

    @Test
    void aQueryIsAnsweredByTheClientsOwnHandler() {
        Http.Response one = http.get(MetricsHandler.PATH + "?name[]=tabserve_model_info");
        assertEquals(200, one.status());
        assertEquals(Set.of("tabserve_model_info"), families(one.text()));
        Http.Response debug = http.get(MetricsHandler.PATH + "?debug=openmetrics");
        assertEquals(200, debug.status());
        assertEquals("text/plain;charset=utf-8", debug.header("Content-Type").orElseThrow());
        assertTrue(debug.text().endsWith("# EOF\n"), debug.text());
    }

    @Test
    void headAnswersTheHeadersAlone() {
        Http.Response head = http.send("HEAD", MetricsHandler.PATH, BodyPublishers.noBody());
        assertEquals(200, head.status());
        assertEquals(TEXT, head.header("Content-Type").orElseThrow());
        assertEquals(0, head.body().length);
    }
}
