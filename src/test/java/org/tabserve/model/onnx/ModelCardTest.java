package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.tabserve.model.onnx.LinearModel.ONE_COLUMN;
import static org.tabserve.model.onnx.LinearModel.ROWS;
import static org.tabserve.model.onnx.LinearModel.THREE_CLASSES;
import static org.tabserve.model.onnx.ModelAssertions.assertPredictions;
import static org.tabserve.model.onnx.ModelAssertions.assertUnusable;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.ClassMetrics;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.OnnxModels.Head;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ModelSignature;

/** The card in the model's {@code metadata_props}: read back, defaulted when absent, refused when inconsistent. */
class ModelCardTest {

    private static final List<String> FEATURES = List.of("variance", "skewness", "curtosis", "entropy");

    private static final String METRICS = """
            {"method": "stratified 80/20 hold-out, seed 7", "rows": 40, "accuracy": 0.95,
             "per_class": {"genuine": {"precision": 0.9, "recall": 1.0, "f1": 0.947, "support": 18},
                           "forged": {"precision": 1.0, "recall": 0.909, "f1": 0.952, "support": 22}},
             "confusion_matrix": {"labels": ["genuine", "forged"], "counts": [[18, 0], [2, 20]]}}""";

    @TempDir
    Path dir;

    private static Map<String, String> fullCard() {
        Map<String, String> card = new LinkedHashMap<>();
        card.put(CardKeys.CARD_VERSION, "1");
        card.put(CardKeys.NAME, "banknote-authenticator");
        card.put(CardKeys.VERSION, "2026-11-21");
        card.put(CardKeys.DESCRIPTION, "  Tells genuine banknotes from forged ones.  ");
        card.put(CardKeys.FEATURES, "[\"variance\", \"skewness\", \"curtosis\", \"entropy\"]");
        card.put(CardKeys.CLASSES, "[\"genuine\", \"forged\"]");
        card.put(CardKeys.CLASS_DISPLAY_NAMES, "{\"genuine\": \"Genuine note\", \"forged\": \"Forged note\"}");
        card.put(CardKeys.CLASS_DISPLAY_NOTE, "names from the data set's documentation");
        // Deliberately not in feature order, and without 'skewness'.
        card.put(CardKeys.FEATURE_STATS, """
                {"entropy": {"min": -8.5, "max": 2.4, "mean": -1.2},
                 "variance": {"min": -7.0, "max": 6.8, "mean": 0.43},
                 "curtosis": {"min": -5.3, "max": 17.9, "mean": 1.4}}""");
        card.put(CardKeys.METRICS, METRICS);
        card.put(CardKeys.DATA, "{\"file\": \"BankNote_Authentication.csv\", \"rows\": 1372}");
        card.put(CardKeys.TRAINER, "{\"name\": \"LogisticRegression\", \"epochs\": 5}");
        card.put(CardKeys.HISTOGRAMS, """
                {"entropy": {"edges": [-8.5, 0, 2.4], "counts": {"genuine": [3, 5], "forged": [0, 7]}}}""");
        card.put(CardKeys.EXAMPLES, """
                {"genuine": [{"variance": 3.6, "skewness": 8.6, "curtosis": -2.8, "entropy": -0.44}],
                 "forged": [{"variance": -1.4, "skewness": -4.9, "curtosis": 6.5, "entropy": 0.4}]}""");
        card.put("onnx.custom", "kept as is");
        return card;
    }

    private Path sigmoidModel(Map<String, String> metadata) {
        return OnnxModels.tensorOutput(dir.resolve("banknote.onnx"), ONE_COLUMN, Head.SIGMOID, false, metadata);
    }

    private Path threeClassModel(Map<String, String> metadata) {
        return OnnxModels.tensorOutput(dir.resolve("three.onnx"), THREE_CLASSES, Head.SOFTMAX, false, metadata);
    }

    @Test
    void everyCardValueIsReadBack() {
        Map<String, String> metadata = fullCard();
        try (Model classifier = OnnxModelLoader.load(sigmoidModel(metadata))) {
            ModelSignature signature = classifier.signature();
            assertEquals(FEATURES, signature.featureNames());
            assertEquals(List.of("genuine", "forged"), signature.classLabels());

            ModelCard card = classifier.card();
            assertEquals("banknote-authenticator", card.name());
            assertEquals("2026-11-21", card.version());
            assertEquals("Tells genuine banknotes from forged ones.", card.description());
            assertEquals(OnnxModels.PRODUCER, card.producer());
            assertEquals(Map.of("genuine", "Genuine note", "forged", "Forged note"), card.classDisplayNames());
            assertEquals("Forged note", card.displayName("forged"));
            assertEquals("names from the data set's documentation", card.classDisplayNote());

            assertEquals(
                    List.of("variance", "curtosis", "entropy"),
                    List.copyOf(card.featureStats().keySet()),
                    "statistics in the model's feature order");
            assertEquals(new FeatureStats(-7.0, 6.8, 0.43), card.featureStats().get("variance"));
            assertEquals(new FeatureStats(-8.5, 2.4, -1.2), card.featureStats().get("entropy"));

            Evaluation evaluation = card.evaluation();
            assertEquals("stratified 80/20 hold-out, seed 7", evaluation.method());
            assertEquals(40, evaluation.rows());
            assertEquals(0.95, evaluation.accuracy());
            assertEquals(
                    new ClassMetrics(1.0, 0.909, 0.952, 22),
                    evaluation.perClass().get("forged"));
            assertEquals(
                    new ClassMetrics(0.9, 1.0, 0.947, 18), evaluation.perClass().get("genuine"));
            assertEquals(
                    List.of("genuine", "forged"),
                    List.copyOf(evaluation.perClass().keySet()),
                    "per-class metrics in the card's order");
            assertEquals(List.of("genuine", "forged"), evaluation.confusionLabels());
            assertEquals(List.of(List.of(18, 0), List.of(2, 20)), evaluation.confusion());

            assertEquals(Map.of("file", "BankNote_Authentication.csv", "rows", 1372), card.data());
            assertEquals(Map.of("name", "LogisticRegression", "epochs", 5), card.trainer());
            assertEquals(metadata, card.metadata());

            FeatureHistogram entropy = card.histograms().get("entropy");
            assertEquals(List.of(-8.5, 0.0, 2.4), entropy.edges());
            assertEquals(Map.of("genuine", List.of(3, 5), "forged", List.of(0, 7)), entropy.counts());
            assertEquals(7, entropy.maxCount());
            assertEquals(
                    List.of("genuine", "forged"), List.copyOf(card.examples().keySet()));
            assertEquals(3.6, card.examples().get("genuine").get(0).get("variance"));
            assertEquals(0.4, card.examples().get("forged").get(0).get("entropy"));
        }
    }

    @Test
    void refusesHistogramWhoseCountsDoNotMatchItsBins() {
        Path file = threeClassModel(
                Map.of(CardKeys.HISTOGRAMS, "{\"f0\": {\"edges\": [0, 1, 2], \"counts\": {\"a\": [1, 2, 3]}}}"));
        assertUnusable(file, "metadata '" + CardKeys.HISTOGRAMS + "' is invalid", "3 counts for 2 bins");
    }

    @Test
    void refusesHistogramForAnUnknownFeature() {
        Path file =
                threeClassModel(Map.of(CardKeys.HISTOGRAMS, "{\"f9\": {\"edges\": [0, 1], \"counts\": {\"a\": [1]}}}"));
        assertUnusable(file, CardKeys.HISTOGRAMS, "unknown feature 'f9'");
    }

    @Test
    void refusesCategoryCountsForANumberFeature() {
        Path file = threeClassModel(Map.of(CardKeys.CATEGORIES, "{\"f0\": {\"counts\": {\"a\": {\"x\": 1}}}}"));
        assertUnusable(file, CardKeys.CATEGORIES, "'f0', which is not a text input of the model");
    }

    @Test
    void refusesExampleRowWithANonNumericValue() {
        Path file = threeClassModel(Map.of(CardKeys.EXAMPLES, "{\"a\": [{\"f0\": \"big\"}]}"));
        assertUnusable(file, "metadata '" + CardKeys.EXAMPLES + "' is invalid", "'f0' must be a number");
    }

    private static String background(String columns, String rows, int size) {
        return "{\"seed\": 24, \"sampled_from\": 10, \"size\": " + size + ", \"columns\": " + columns + ", \"rows\": "
                + rows + "}";
    }

    @Test
    void backgroundSampleIsReadBackInTheModelsColumns() {
        Path file = threeClassModel(Map.of(
                CardKeys.BACKGROUND,
                background("[\"f0\", \"f1\", \"f2\", \"f3\"]", "[[1, 2.5, -3, 4], [0.5, 0, 0, 1e3]]", 2)));
        try (Model model = OnnxModelLoader.load(file)) {
            org.tabserve.model.signature.Background background = model.card().background();
            assertEquals(List.of("f0", "f1", "f2", "f3"), background.columns());
            assertEquals(2, background.size());
            assertEquals(24, background.seed());
            assertEquals(10, background.sampledFrom());
            assertEquals(2.5, ((Number) background.rows().get(0).get(1)).doubleValue());
            assertEquals(1000.0, ((Number) background.rows().get(1).get(3)).doubleValue());
        }
    }

    @Test
    void cardWithoutBackgroundHasNone() {
        try (Model model = OnnxModelLoader.load(threeClassModel(Map.of()))) {
            assertNull(model.card().background());
        }
    }

    @Test
    void refusesBackgroundWhoseColumnsAreNotTheModelsInputs() {
        Path file = threeClassModel(
                Map.of(CardKeys.BACKGROUND, background("[\"f0\", \"f1\", \"f3\", \"f2\"]", "[[1, 2, 3, 4]]", 1)));
        assertUnusable(file, "metadata '" + CardKeys.BACKGROUND + "' is invalid", "are not the model's inputs");
    }

    @Test
    void refusesBackgroundWithTextForANumber() {
        Path file = threeClassModel(
                Map.of(CardKeys.BACKGROUND, background("[\"f0\", \"f1\", \"f2\", \"f3\"]", "[[1, 2, \"big\", 4]]", 1)));
        assertUnusable(file, "metadata '" + CardKeys.BACKGROUND + "' is invalid", "f2");
    }

    @Test
    void refusesBackgroundWhoseSizeIsNotItsRows() {
        Path file = threeClassModel(
                Map.of(CardKeys.BACKGROUND, background("[\"f0\", \"f1\", \"f2\", \"f3\"]", "[[1, 2, 3, 4]]", 2)));
        assertUnusable(file, "metadata '" + CardKeys.BACKGROUND + "' is invalid", "'size' is 2 but 'rows' has 1");
    }

    @Test
    void refusesBackgroundRowOfTheWrongLength() {
        Path file = threeClassModel(
                Map.of(CardKeys.BACKGROUND, background("[\"f0\", \"f1\", \"f2\", \"f3\"]", "[[1, 2, 3]]", 1)));
        assertUnusable(
                file, "metadata '" + CardKeys.BACKGROUND + "' is invalid", "row 0 of 'rows' must be an array of 4");
    }

    @Test
    void refusesBackgroundOfMoreThanAThousandRows() {
        String rows = "[" + String.join(",", java.util.Collections.nCopies(1001, "[1, 2, 3, 4]")) + "]";
        Path file = threeClassModel(
                Map.of(CardKeys.BACKGROUND, background("[\"f0\", \"f1\", \"f2\", \"f3\"]", rows, 1001)));
        assertUnusable(
                file, "metadata '" + CardKeys.BACKGROUND + "' is invalid", "1001 items; tabserve draws at most 1000");
    }

    @Test
    void cardNamesDoNotChangeTheAnswers() {
        try (Model classifier = OnnxModelLoader.load(sigmoidModel(fullCard()))) {
            double[][] expected =
                    Arrays.stream(ROWS).map(ONE_COLUMN::sigmoidPair).toArray(double[][]::new);
            assertPredictions(classifier.predict(ROWS), List.of("genuine", "forged"), expected);
        }
    }

    @Test
    void cardFeatureNamesNameTheGraphsColumnsInOrder() {
        try (Model classifier = OnnxModelLoader.load(sigmoidModel(fullCard()))) {
            assertEquals(
                    List.of("variance", "skewness", "curtosis", "entropy"),
                    classifier.signature().featureNames());
        }
    }

    @Test
    void absentCardGivesDefaults() {
        Map<String, String> none = Map.of();
        try (Model classifier = OnnxModelLoader.load(threeClassModel(none))) {
            assertEquals(List.of("f0", "f1", "f2", "f3"), classifier.signature().featureNames());
            assertEquals(List.of("0", "1", "2"), classifier.signature().classLabels());
            ModelCard card = classifier.card();
            assertEquals("three", card.name(), "the file's name without .onnx");
            assertEquals("", card.version(), "a model without a version has none (not ONNX Runtime's Long.MAX_VALUE)");
            assertEquals("", card.description());
            assertEquals(OnnxModels.PRODUCER, card.producer());
            assertEquals(Map.of(), card.classDisplayNames());
            assertEquals("2", card.displayName("2"));
            assertEquals("", card.classDisplayNote());
            assertEquals(Map.of(), card.featureStats());
            assertNull(card.evaluation());
            assertEquals(Map.of(), card.data());
            assertEquals(Map.of(), card.trainer());
            assertEquals(Map.of(), card.metadata());
        }
    }

    @Test
    void labelWithoutDisplayNameIsShownAsItself() {
        Map<String, String> card = Map.of(CardKeys.CLASS_DISPLAY_NAMES, "{\"0\": \"setosa\"}");
        try (Model classifier = OnnxModelLoader.load(threeClassModel(card))) {
            assertEquals("setosa", classifier.card().displayName("0"));
            assertEquals("1", classifier.card().displayName("1"));
        }
    }

    @Test
    void refusesCardNamingWrongNumberOfFeatures() {
        Path file = threeClassModel(Map.of(CardKeys.FEATURES, "[\"a\", \"b\", \"c\"]"));
        assertUnusable(file, CardKeys.FEATURES, "names 3 features", "4 columns");
    }

    @Test
    void refusesCardNamingAFeatureTwice() {
        Path file = threeClassModel(Map.of(CardKeys.FEATURES, "[\"a\", \"b\", \"a\", \"c\"]"));
        assertUnusable(file, "duplicate feature name 'a'");
    }

    @Test
    void refusesCardClassesOfWrongCount() {
        Path file = threeClassModel(Map.of(CardKeys.CLASSES, "[\"a\", \"b\"]"));
        assertUnusable(file, CardKeys.CLASSES, "names 2 classes", "output has 3");
    }

    @Test
    void refusesCardClassesOfWrongCountForOneSigmoidColumn() {
        Path file = sigmoidModel(Map.of(CardKeys.CLASSES, "[\"forged\"]"));
        assertUnusable(file, CardKeys.CLASSES, "names 1 classes", "output has 2");
    }

    @Test
    void refusesCardClassesThatAreNotTheZipMapKeys() {
        Path file = OnnxModels.labelAndZipMap(
                dir.resolve("zip.onnx"),
                THREE_CLASSES,
                List.of(10L, 2L, 7L),
                Map.of(CardKeys.CLASSES, "[\"10\", \"2\", \"8\"]"));
        assertUnusable(file, CardKeys.CLASSES, "does not match the ZipMap's keys");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                CardKeys.FEATURES,
                CardKeys.CLASSES,
                CardKeys.CLASS_DISPLAY_NAMES,
                CardKeys.FEATURE_STATS,
                CardKeys.METRICS,
                CardKeys.DATA,
                CardKeys.TRAINER,
                CardKeys.HISTOGRAMS,
                CardKeys.EXAMPLES
            })
    void refusesMalformedJsonNamingTheKey(String key) {
        Path file = threeClassModel(Map.of(key, "[\"f0\", \"f1\""));
        assertUnusable(file, "metadata '" + key + "'", "not valid JSON");
    }

    @Test
    void refusesFeatureListThatIsNotAJsonArray() {
        Path file = threeClassModel(Map.of(CardKeys.FEATURES, "{\"f0\": 0}"));
        assertUnusable(file, "metadata '" + CardKeys.FEATURES + "' is invalid", "array");
    }

    @Test
    void refusesMetricsWithoutANumericAccuracy() {
        Path file = threeClassModel(
                Map.of(CardKeys.METRICS, METRICS.replace("\"accuracy\": 0.95", "\"accuracy\": \"high\"")));
        assertUnusable(file, "metadata '" + CardKeys.METRICS + "' is invalid", "accuracy");
    }

    @Test
    void refusesConfusionMatrixThatDoesNotMatchItsLabels() {
        Path file = threeClassModel(
                Map.of(CardKeys.METRICS, METRICS.replace("[[18, 0], [2, 20]]", "[[18, 0, 1], [2, 20, 1]]")));
        assertUnusable(file, "metadata '" + CardKeys.METRICS + "' is invalid", "confusion matrix");
    }

    @Test
    void refusesFeatureStatsForAnUnknownFeature() {
        Path file =
                threeClassModel(Map.of(CardKeys.FEATURE_STATS, "{\"f9\": {\"min\": 0, \"max\": 1, \"mean\": 0.5}}"));
        assertUnusable(file, CardKeys.FEATURE_STATS, "unknown feature 'f9'");
    }

    @Test
    void refusesFeatureStatsWithMeanOutsideTheRange() {
        Path file = threeClassModel(Map.of(CardKeys.FEATURE_STATS, "{\"f0\": {\"min\": 0, \"max\": 1, \"mean\": 2}}"));
        assertUnusable(file, "metadata '" + CardKeys.FEATURE_STATS + "' is invalid", "min <= mean <= max");
    }

    @Test
    void refusesCardOfANewerVersion() {
        assertUnusable(threeClassModel(Map.of(CardKeys.CARD_VERSION, "2")), "card version 2 is newer");
    }

    @Test
    void refusesCardVersionThatIsNotAnInteger() {
        assertUnusable(threeClassModel(Map.of(CardKeys.CARD_VERSION, "one")), CardKeys.CARD_VERSION, "integer");
    }

    @Test
    void refusesUnknownScoresValue() {
        assertUnusable(threeClassModel(Map.of(CardKeys.SCORES, "odds")), CardKeys.SCORES, "'odds'", "logits");
    }

    /** For each card key holding JSON, a value the three-class model accepts. */
    static Stream<Arguments> validJsonValues() {
        return Stream.of(
                Arguments.of(CardKeys.FEATURES, "[\"a\", \"b\", \"c\", \"d\"]"),
                Arguments.of(CardKeys.CLASSES, "[\"x\", \"y\", \"z\"]"),
                Arguments.of(CardKeys.CLASS_DISPLAY_NAMES, "{\"0\": \"zero\"}"),
                Arguments.of(CardKeys.FEATURE_STATS, "{\"f0\": {\"min\": 0, \"max\": 1, \"mean\": 0.5}}"),
                Arguments.of(CardKeys.METRICS, METRICS),
                Arguments.of(CardKeys.DATA, "{\"rows\": 1372}"),
                Arguments.of(CardKeys.TRAINER, "{\"name\": \"LogisticRegression\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validJsonValues")
    void refusesTextAfterTheJsonValueNamingTheKey(String key, String valid) {
        OnnxModelLoader.load(threeClassModel(Map.of(key, valid))).close(); // the value alone is fine
        assertUnusable(threeClassModel(Map.of(key, valid + " trailing")), "metadata '" + key + "'", "not valid JSON");
        assertUnusable(threeClassModel(Map.of(key, valid + " " + valid)), "metadata '" + key + "'", "not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"min\": 0, \"max\": 1, \"mean\": 0.5}]"})
    void refusesFeatureStatsThatAreNotAJsonObject(String array) {
        Path file = threeClassModel(Map.of(CardKeys.FEATURE_STATS, array));
        assertUnusable(file, "metadata '" + CardKeys.FEATURE_STATS + "' is invalid", "JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "true", "null", "[\"zero\"]", "{\"name\": \"zero\"}"})
    void refusesClassDisplayNameThatIsNotAString(String value) {
        Path file = threeClassModel(Map.of(CardKeys.CLASS_DISPLAY_NAMES, "{\"1\": \"one\", \"0\": " + value + "}"));
        assertUnusable(file, "metadata '" + CardKeys.CLASS_DISPLAY_NAMES + "' is invalid", "'0' is not a string");
    }

    @Test
    void perClassMetricsKeepTheCardsOrder() {
        String metrics = """
                {"method": "hold-out", "rows": 30, "accuracy": 0.9,
                 "per_class": {"2": {"precision": 0.8, "recall": 0.9, "f1": 0.85, "support": 10},
                               "0": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 10},
                               "1": {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 10}},
                 "confusion_matrix": {"labels": ["2", "0", "1"], "counts": [[9, 0, 1], [0, 10, 0], [2, 0, 8]]}}""";
        try (Model classifier = OnnxModelLoader.load(threeClassModel(Map.of(CardKeys.METRICS, metrics)))) {
            Evaluation evaluation = classifier.card().evaluation();
            assertEquals(
                    List.of("2", "0", "1"), List.copyOf(evaluation.perClass().keySet()));
            assertEquals(
                    new ClassMetrics(0.8, 0.9, 0.85, 10),
                    evaluation.perClass().values().iterator().next());
            assertEquals(List.of("2", "0", "1"), evaluation.confusionLabels());
        }
    }

    @Test
    void evaluationKeepsThePerClassOrderItIsGiven() {
        // Eight labels in no sorted order, so that a hash or sorted map cannot keep it by chance.
        List<String> order = List.of("7", "c", "0", "x", "3", "a", "10", "b");
        Map<String, ClassMetrics> perClass = new LinkedHashMap<>();
        order.forEach(label -> perClass.put(label, new ClassMetrics(0.5, 0.5, 0.5, 1)));
        Evaluation evaluation = new Evaluation("hold-out", 8, 0.5, perClass, List.of(), List.of());
        assertEquals(order, List.copyOf(evaluation.perClass().keySet()));
    }
}
