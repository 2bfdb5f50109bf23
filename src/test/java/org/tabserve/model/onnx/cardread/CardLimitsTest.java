package org.tabserve.model.onnx.cardread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.tabserve.cardmaking.CardWriter;
import org.tabserve.model.card.CardKeys;

/**
 * Issue 21 case 4, at load: every card structure a page or document draws item by item has a bound, and a card past
 * one is refused naming the key and the limit (a card within its 1 MiB values could otherwise hold half a million
 * histogram bars). A card at each bound is read.
 */
class CardLimitsTest {

    private static CardReader reader(String key, Object value) {
        return new CardReader(new CardWriter().json(key, value).entries());
    }

    private static void assertRefused(String key, Object value, Consumer<CardReader> read, String... reasons) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> read.accept(reader(key, value)));
        assertTrue(e.getMessage().startsWith("metadata '" + key + "' is invalid: "), e.getMessage());
        for (String reason : reasons) {
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        }
    }

    private static List<Integer> zeros(int n) {
        return Collections.nCopies(n, 0);
    }

    private static List<Double> steps(int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add((double) i);
        }
        return out;
    }

    /** n ascending numbers from 0 to 1. */
    private static List<Double> fractions(int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i / (double) (n - 1));
        }
        return out;
    }

    private static Map<String, Object> histogram(int bins) {
        return Map.of("edges", steps(bins + 1), "counts", Map.of("a", zeros(bins), "b", zeros(bins)));
    }

    @Test
    void histogramBinsAreBounded() {
        assertEquals(
                CardLimits.BINS,
                reader(CardKeys.HISTOGRAMS, Map.of("x", histogram(CardLimits.BINS)))
                        .histograms()
                        .orElseThrow()
                        .get("x")
                        .counts()
                        .get("a")
                        .size());
        assertRefused(
                CardKeys.HISTOGRAMS,
                Map.of("x", histogram(CardLimits.BINS + 1)),
                CardReader::histograms,
                "'x' edges has 258 items; tabserve draws at most 257");
    }

    @Test
    void theHistogramsInAllAreBounded() {
        Map<String, Object> many = new LinkedHashMap<>();
        for (int i = 0; i * 2 * CardLimits.BINS <= CardLimits.DRAWN_COUNTS; i++) {
            many.put(
                    "f" + i,
                    Map.of(
                            "edges",
                            steps(CardLimits.BINS + 1),
                            "counts",
                            Map.of("a", zeros(CardLimits.BINS), "b", zeros(CardLimits.BINS))));
        }
        assertRefused(
                CardKeys.HISTOGRAMS,
                many,
                CardReader::histograms,
                "the histograms in all has",
                "at most " + CardLimits.DRAWN_COUNTS);
    }

    @Test
    void examplesArePerClassAndInAllBounded() {
        List<Map<String, Object>> rows = Collections.nCopies(CardLimits.EXAMPLES_PER_CLASS + 1, Map.of("x", 1.0));
        assertRefused(
                CardKeys.EXAMPLES,
                Map.of("a", rows),
                CardReader::examples,
                "'a' has 21 items; tabserve draws at most 20");
        Map<String, Object> classes = new LinkedHashMap<>();
        for (int i = 0; i <= CardLimits.EXAMPLES / CardLimits.EXAMPLES_PER_CLASS; i++) {
            classes.put("c" + i, rows.subList(0, CardLimits.EXAMPLES_PER_CLASS));
        }
        assertRefused(CardKeys.EXAMPLES, classes, CardReader::examples, "the examples in all has 1020 items");
    }

    @Test
    void categoriesPerFeatureAreBounded() {
        Map<String, Long> categories = new LinkedHashMap<>();
        for (int i = 0; i <= CardLimits.CATEGORIES; i++) {
            categories.put("k" + i, 1L);
        }
        assertRefused(
                CardKeys.CATEGORIES,
                Map.of("island", Map.of("counts", Map.of("a", categories))),
                CardReader::categories,
                "'island' categories has 1001 items");
    }

    @Test
    void classesDisplayNamesAndTheConfusionMatrixAreBounded() {
        List<String> labels = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i <= CardLimits.CLASSES; i++) {
            labels.add("c" + i);
            names.put("c" + i, "class " + i);
        }
        assertRefused(
                CardKeys.CLASSES,
                labels,
                r -> r.stringList(CardKeys.CLASSES, CardLimits.CLASSES),
                "the list has 1001 items; tabserve draws at most 1000");
        assertRefused(
                CardKeys.CLASS_DISPLAY_NAMES,
                names,
                r -> r.stringMap(CardKeys.CLASS_DISPLAY_NAMES),
                "the object has 1001 items");
        List<String> matrixLabels = labels.subList(0, CardLimits.MATRIX_LABELS + 1);
        Map<String, Object> metrics = Map.of(
                "method",
                "held out",
                "rows",
                10,
                "accuracy",
                0.5,
                "confusion_matrix",
                Map.of("labels", matrixLabels, "counts", List.of()));
        assertRefused(
                CardKeys.METRICS,
                metrics,
                CardReader::evaluation,
                "'confusion_matrix' 'labels' has 201 items; tabserve draws at most 200");
    }

    @Test
    void rocAndRegressionPointsAreBounded() {
        Map<String, Object> roc = Map.of(
                "positive_class",
                "b",
                "auc",
                0.5,
                "fpr",
                fractions(CardLimits.POINTS + 1),
                "tpr",
                fractions(CardLimits.POINTS + 1));
        assertRefused(
                CardKeys.METRICS,
                Map.of("method", "m", "rows", 1, "accuracy", 1.0, "roc", roc),
                CardReader::evaluation,
                "'fpr' has 2001 items");
        Map<String, Object> regression = Map.of(
                "method",
                "m",
                "rows",
                1,
                "mae",
                1.0,
                "rmse",
                1.0,
                "r2",
                0.0,
                "points",
                Map.of("actual", steps(CardLimits.POINTS + 1), "predicted", steps(CardLimits.POINTS + 1)));
        assertRefused(CardKeys.METRICS, regression, CardReader::regressionEvaluation, "'actual' has 2001 items");
    }
}
