package org.tabserve.serving.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** OpenTelemetry's settings as the server reads them: off without an endpoint, and each bad value named. */
class TraceSettingsTest {

    private static Optional<TraceSettings> resolve(Map<String, String> given) {
        return TraceSettings.resolve(key -> Optional.ofNullable(given.get(key)));
    }

    @Test
    void withoutAnEndpointTracingIsOff() {
        assertTrue(resolve(Map.of()).isEmpty());
        assertTrue(resolve(Map.of(TraceSettings.ENDPOINT, "  ")).isEmpty());
    }

    @Test
    void anEndpointTracesATenthOfRequestsParentBasedToItsTracesPath() {
        TraceSettings settings = resolve(Map.of(TraceSettings.ENDPOINT, "http://collector:4318/"))
                .orElseThrow();
        assertEquals(URI.create("http://collector:4318/v1/traces"), settings.traces());
        assertEquals("tabserve", settings.serviceName());
        assertTrue(settings.parentBased());
        assertEquals(0.1, settings.ratio());
    }

    @Test
    void theSamplerAndItsRatioAndTheServiceNameAreOpenTelemetrysOwn() {
        TraceSettings settings = resolve(Map.of(
                        TraceSettings.ENDPOINT, "https://c.example/otlp",
                        TraceSettings.SERVICE_NAME, "scoring",
                        TraceSettings.SAMPLER, "traceidratio",
                        TraceSettings.SAMPLER_ARG, "0.25"))
                .orElseThrow();
        assertEquals(URI.create("https://c.example/otlp/v1/traces"), settings.traces());
        assertEquals("scoring", settings.serviceName());
        assertFalse(settings.parentBased());
        assertEquals(0.25, settings.ratio());
        assertEquals(
                0.0,
                resolve(Map.of(TraceSettings.ENDPOINT, "http://c:4318", TraceSettings.SAMPLER, "always_off"))
                        .orElseThrow()
                        .ratio());
    }

    @Test
    void aBadEndpointIsRefusedWithoutQuotingIt() {
        for (String bad :
                new String[] {"collector:4318", "ftp://c:21", "http://user:secret@c:4318", "http://c?x=1", "::"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> resolve(Map.of(TraceSettings.ENDPOINT, bad)), bad);
            assertTrue(e.getMessage().contains(TraceSettings.ENDPOINT), e.getMessage());
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
        }
    }

    @Test
    void aBadSamplerOrRatioIsRefusedNamingIt() {
        IllegalArgumentException sampler = assertThrows(
                IllegalArgumentException.class,
                () -> resolve(Map.of(TraceSettings.ENDPOINT, "http://c:4318", TraceSettings.SAMPLER, "sometimes")));
        assertTrue(sampler.getMessage().contains(TraceSettings.SAMPLER), sampler.getMessage());
        for (String ratio : new String[] {"1.5", "-0.1", "half", "NaN"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> resolve(Map.of(TraceSettings.ENDPOINT, "http://c:4318", TraceSettings.SAMPLER_ARG, ratio)));
            assertTrue(e.getMessage().contains(TraceSettings.SAMPLER_ARG), e.getMessage());
        }
    }
}
