package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tabserve.model.live.Psi;

/** The models page's severities (drift by the card's own words, errors, latency) and its order by trouble. */
class SeverityTest {

    @Test
    void driftTakesTheCardsWordsSoThePageAndTheCardAgree() {
        assertEquals(Severity.BAD, Severity.ofDrift(Psi.reading(2.868)), "the issue's age 2.868, 'large' on the card");
        assertEquals(Severity.BAD, Severity.ofDrift(Psi.reading(Psi.LARGE)));
        assertEquals(Severity.WARN, Severity.ofDrift(Psi.reading(Psi.MODERATE)));
        assertEquals(Severity.OK, Severity.ofDrift(Psi.reading(0.05)));
        assertEquals(Severity.OK, Severity.ofDrift(Psi.reading(Double.NaN)), "not enough data is no alarm");
    }

    @Test
    void errorsAndLatencyHaveTheLegendsThresholds() {
        assertEquals(Severity.OK, Severity.ofErrors(0, 0));
        assertEquals(Severity.OK, Severity.ofErrors(1, 101));
        assertEquals(Severity.WARN, Severity.ofErrors(1, 100));
        assertEquals(Severity.BAD, Severity.ofErrors(5, 100));
        assertEquals(Severity.OK, Severity.ofLatency(null, 0), "no requests, no latency");
        assertEquals(Severity.OK, Severity.ofLatency(249.0, 10));
        assertEquals(Severity.WARN, Severity.ofLatency(250.0, 10));
        assertEquals(Severity.BAD, Severity.ofLatency(32_000.0, 10), "the issue's p99 of 32 s");
        assertEquals(Severity.BAD, Severity.ofLatency(null, 10), "past the histogram's last bound");
    }

    @Test
    void modelsNotServingComeFirstThenTheWorstThenByName() {
        List<ModelsPage.Row> rows = Stream.of(
                        row("alpha", "loaded", Severity.OK, Severity.OK, Severity.OK),
                        row("bravo", "loaded", Severity.WARN, Severity.OK, Severity.OK),
                        row("charlie", "loaded", Severity.OK, Severity.OK, Severity.BAD),
                        row("delta", "failed", Severity.OK, Severity.OK, Severity.OK),
                        row("echo", "loaded", Severity.BAD, Severity.OK, Severity.OK),
                        row("foxtrot", "loading", Severity.OK, Severity.OK, Severity.OK))
                .sorted(ModelsPage.BY_TROUBLE)
                .toList();
        assertEquals(
                List.of("delta", "foxtrot", "charlie", "echo", "bravo", "alpha"),
                rows.stream().map(ModelsPage.Row::name).toList());
        assertEquals("sev-bad", rows.get(2).troubleClass());
        assertEquals("sev-bad", rows.get(3).driftClass());
        assertEquals("sev-warn", rows.get(4).driftClass());
    }

    private static ModelsPage.Row row(String name, String state, Severity drift, Severity errors, Severity latency) {
        return new ModelsPage.Row(
                name,
                "",
                "1",
                state,
                "",
                "classification",
                List.of(),
                "0",
                "0",
                "–",
                "–",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                Severity.ofState(state),
                drift,
                errors,
                latency,
                List.of());
    }
}
