package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tabserve.serving.explanations.ExplanationLimits;

class WebConfigTest {

    private static final Map<String, String> NONE = Map.of();

    @Test
    void initParameterWinsOverSystemPropertyWhichWinsOverEnvironment() {
        Map<String, String> init = Map.of(WebConfig.MODEL, "/from/init.onnx");
        Map<String, String> props = Map.of(WebConfig.MODEL, "/from/property.onnx");
        Map<String, String> env = Map.of("TABSERVE_MODEL", "/from/env.onnx");
        assertEquals(
                Optional.of("/from/init.onnx"),
                WebConfig.resolve(init::get, props::get, env).model());
        assertEquals(
                Optional.of("/from/property.onnx"),
                WebConfig.resolve(NONE::get, props::get, env).model());
        assertEquals(
                Optional.of("/from/env.onnx"),
                WebConfig.resolve(NONE::get, NONE::get, env).model());
        assertEquals(
                Optional.empty(), WebConfig.resolve(NONE::get, NONE::get, NONE).model());
    }

    @Test
    void blankValuesFallThroughToTheNextSource() {
        Map<String, String> init = Map.of(WebConfig.MAX_BATCH_ROWS, "  ");
        Map<String, String> env = Map.of("TABSERVE_MAX_BATCH_ROWS", "7");
        assertEquals(7, WebConfig.resolve(init::get, NONE::get, env).maxBatchRows());
    }

    @Test
    void aNumberSettingTakesAsciiDigitsOnly() {
        // Issue 47, item 14: Long.parseLong takes a full-width '７' as 7.
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> WebConfig.resolve(NONE::get, NONE::get, Map.of("TABSERVE_MAX_BATCH_ROWS", "７")));
        assertTrue(e.getMessage().contains("tabserve.max-batch-rows"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> WebConfig.resolve(
                        NONE::get, NONE::get, Map.of("TABSERVE_MODELS", "/m", "TABSERVE_POLL_SECONDS", "１０")));
        assertThrows(
                IllegalArgumentException.class,
                () -> WebConfig.resolve(
                        NONE::get,
                        NONE::get,
                        Map.of("TABSERVE_PREDICTION_LOG", "/log", "TABSERVE_PREDICTION_LOG_MAX_FILES", "３")));
    }

    @Test
    void defaultsAreSafeLimits() {
        WebConfig config = WebConfig.resolve(NONE::get, NONE::get, NONE);
        assertEquals(4L << 20, config.maxBodyBytes());
        assertEquals(10_000, config.maxBatchRows());
        assertEquals(200L << 20, config.maxUploadBytes());
        assertEquals(2_000_000, config.maxCsvRows());
        assertTrue(config.cacheTemplates());
        assertEquals(64, config.maxConcurrentRequests());
        assertEquals(32, config.maxConcurrentUploads(), "half the slots are kept for small requests");
        assertTrue(config.adminToken().isEmpty(), "the admin route is off unless an operator sets a token");
    }

    @Test
    void anAdminTokenShorterThan16CharactersIsRefusedAndNeverPrinted() {
        Map<String, String> shortToken = Map.of("TABSERVE_ADMIN_TOKEN", "secret");
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> WebConfig.resolve(NONE::get, NONE::get, shortToken));
        assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
        WebConfig config =
                WebConfig.resolve(NONE::get, NONE::get, Map.of("TABSERVE_ADMIN_TOKEN", "0123456789abcdef-long"));
        assertEquals(Optional.of("0123456789abcdef-long"), config.adminToken());
        assertFalse(config.toString().contains("0123456789abcdef"), config.toString());
    }

    @Test
    void theUploadsShareIsHalfTheRequestsByDefaultAndNeverMoreThanThem() {
        assertEquals(
                5,
                WebConfig.resolve(NONE::get, NONE::get, Map.of("TABSERVE_MAX_CONCURRENT_REQUESTS", "11"))
                        .maxConcurrentUploads());
        assertEquals(
                1,
                WebConfig.resolve(NONE::get, NONE::get, Map.of("TABSERVE_MAX_CONCURRENT_REQUESTS", "1"))
                        .maxConcurrentUploads());
        assertEquals(
                8,
                WebConfig.resolve(NONE::get, NONE::get, Map.of("TABSERVE_MAX_CONCURRENT_UPLOADS", "8"))
                        .maxConcurrentUploads());
        IllegalArgumentException tooMany = assertThrows(
                IllegalArgumentException.class,
                () -> WebConfig.resolve(
                        NONE::get,
                        NONE::get,
                        Map.of("TABSERVE_MAX_CONCURRENT_REQUESTS", "4", "TABSERVE_MAX_CONCURRENT_UPLOADS", "5")));
        assertTrue(tooMany.getMessage().contains(WebConfig.MAX_CONCURRENT_UPLOADS), tooMany.getMessage());
    }

    @Test
    void explanationsGetTheCpusLessOneSixteenWaitingAndFourMillionModelRowsUnlessSetOtherwise() {
        ExplanationLimits defaults =
                WebConfig.resolve(NONE::get, NONE::get, NONE).explanations();
        assertEquals(
                new ExplanationLimits(Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 16, 4_000_000),
                defaults);
        assertEquals(
                new ExplanationLimits(3, 2, 500),
                WebConfig.resolve(
                                NONE::get,
                                NONE::get,
                                Map.of(
                                        "TABSERVE_EXPLAIN_THREADS",
                                        "3",
                                        "TABSERVE_EXPLAIN_QUEUE",
                                        "2",
                                        "TABSERVE_MAX_EXPLAIN_MODEL_ROWS",
                                        "500"))
                        .explanations());
        IllegalArgumentException zero = assertThrows(
                IllegalArgumentException.class,
                () -> WebConfig.resolve(NONE::get, NONE::get, Map.of("TABSERVE_EXPLAIN_THREADS", "0")));
        assertTrue(zero.getMessage().contains(WebConfig.EXPLAIN_THREADS), zero.getMessage());
    }

    @Test
    void environmentNamesAreUpperCaseWithUnderscores() {
        assertEquals("TABSERVE_MAX_BODY_BYTES", WebConfig.environmentName(WebConfig.MAX_BODY_BYTES));
        assertEquals("TABSERVE_TEMPLATES_CACHE", WebConfig.environmentName(WebConfig.TEMPLATES_CACHE));
    }

    @Test
    void refusesALimitThatIsNotAPositiveWholeNumberNamingTheSetting() {
        for (String bad : new String[] {"0", "-5", "lots", "1.5"}) {
            Map<String, String> props = Map.of(WebConfig.MAX_UPLOAD_BYTES, bad);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> WebConfig.resolve(NONE::get, props::get, NONE));
            assertTrue(
                    e.getMessage().contains(WebConfig.MAX_UPLOAD_BYTES)
                            && e.getMessage().contains(bad),
                    e.getMessage());
        }
    }

    @Test
    void templatesCacheIsOffOnlyWhenSetToFalse() {
        Map<String, String> off = Map.of(WebConfig.TEMPLATES_CACHE, "FALSE");
        assertFalse(WebConfig.resolve(NONE::get, off::get, NONE).cacheTemplates());
    }
}
