package org.tabserve.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.Prediction;
import org.tribuo.classification.Label;

/** Trains the bank-note model once, as the training command does, and checks what it wrote. */
class TrainingTest {

    static final Path DATA = Path.of("data/BankNote_Authentication.csv");
    static final Path COMMITTED_MODEL = Path.of("model.onnx");

    /**
     * LibSVM couples pairwise probabilities iteratively and stops within 0.005 / classes (0.0025 here) of the exact
     * answer that ONNX Runtime's SVMClassifier computes, so the two may differ by that much; labels must agree exactly.
     */
    static final double PROBABILITY_TOLERANCE = 0.005 / 2;

    static LabeledData data;
    static Training.Result result;
    static Path modelFile;
    static Model classifier;

    @BeforeAll
    static void train(@TempDir Path dir) throws IOException {
        data = LabeledData.read(DATA, "class");
        result = Training.run(data, ModelDescription.BANK_NOTES);
        modelFile = dir.resolve("trained.onnx");
        Files.write(modelFile, result.onnx());
        classifier = OnnxModelLoader.load(modelFile);
    }

    @org.junit.jupiter.api.AfterAll
    static void close() {
        classifier.close();
    }

    @Test
    void committedModelIsByteForByteWhatTrainingProduces() throws IOException {
        assertArrayEquals(
                Files.readAllBytes(COMMITTED_MODEL),
                result.onnx(),
                "model.onnx differs from a fresh training run: retrain with mvn -Ptrain test-compile exec:java");
    }

    @Test
    void trainingTwiceOnTheSameDataGivesIdenticalBytes() throws IOException {
        Training.Result again = Training.run(LabeledData.read(DATA, "class"), ModelDescription.BANK_NOTES);
        assertArrayEquals(result.onnx(), again.onnx());
    }

    @Test
    void heldOutAccuracyMeasuredWithOnnxRuntimeIsAtLeast099AndMatchesTheCard() {
        List<Integer> test = result.split().test();
        List<Prediction> predictions = classifier.predict(namedRows(test));
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            if (predictions.get(i).classification().label().equals(data.labels().get(test.get(i)))) {
                correct++;
            }
        }
        double accuracy = (double) correct / test.size();
        assertTrue(accuracy >= 0.99, "held-out accuracy " + accuracy);
        Evaluation card = classifier.card().evaluation();
        assertEquals(accuracy, card.accuracy(), 1e-12);
        assertEquals(test.size(), card.rows());
    }

    @Test
    void heldOutRowsAreStratifiedAndShareNoFeatureVectorWithTrainingRows() {
        Set<String> train = new HashSet<>();
        result.split()
                .train()
                .forEach(r -> train.add(Arrays.toString(data.rows().get(r))));
        for (int r : result.split().test()) {
            assertTrue(!train.contains(Arrays.toString(data.rows().get(r))), "row " + r + " is on both sides");
        }
        assertEquals(
                data.size(),
                result.split().train().size() + result.split().test().size());
        for (String label : data.classes()) {
            long all = data.labels().stream().filter(label::equals).count();
            long held = result.split().test().stream()
                    .filter(r -> data.labels().get(r).equals(label))
                    .count();
            assertEquals(all * Training.TEST_FRACTION, held, 2.0, "held-out rows of class " + label);
        }
    }

    @Test
    void onnxRuntimeAgreesWithTribuoOnEveryRowOfTheData() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            all.add(i);
        }
        List<Prediction> predictions = classifier.predict(namedRows(all));
        for (int row : all) {
            org.tribuo.Prediction<Label> tribuo = result.model().predict(Training.example(data, row));
            Prediction onnx = predictions.get(row);
            assertEquals(tribuo.getOutput().getLabel(), onnx.classification().label(), "label of row " + row);
            for (String label : onnx.classification().classes()) {
                assertEquals(
                        tribuo.getOutputScores().get(label).getScore(),
                        onnx.classification().probabilityOf(label),
                        PROBABILITY_TOLERANCE,
                        "probability of class " + label + " on row " + row);
            }
        }
    }

    @Test
    void cardAndGraphTakeTheCsvColumnOrderNotTribuosSortedOne() {
        assertEquals(List.of("variance", "skewness", "curtosis", "entropy"), data.featureNames());
        assertEquals(data.featureNames(), classifier.signature().featureNames());
        assertNotEquals(
                data.featureNames(),
                TrainingCard.tribuoFeatureOrder(result.model()),
                "Tribuo's own order differs, so a missing reordering would show");
    }

    @Test
    void rowsSentAsTheCsvsColumnsGetTribuosLabelOnEveryRow() {
        // The rows go in exactly as the file lists them, not through the card's names: the graph itself reorders.
        double[][] asInTheFile = data.rows().stream().map(double[]::clone).toArray(double[][]::new);
        List<Prediction> predictions = classifier.predict(asInTheFile);
        for (int row = 0; row < data.size(); row++) {
            assertEquals(
                    result.model()
                            .predict(Training.example(data, row))
                            .getOutput()
                            .getLabel(),
                    predictions.get(row).classification().label(),
                    "label of row " + row);
        }
    }

    @Test
    void cardCarriesClassesDisplayNamesStatisticsMetricsDataHashAndTrainer() throws Exception {
        ModelCard card = classifier.card();
        assertEquals(List.of("0", "1"), classifier.signature().classLabels());
        assertEquals("banknote-authenticator", card.name());
        assertEquals("genuine", card.displayName("0"));
        assertEquals("forged", card.displayName("1"));
        assertTrue(card.classDisplayNote().contains("Kaggle")
                && card.classDisplayNote().contains("UCI"));

        for (String feature : classifier.signature().featureNames()) {
            int column = data.featureNames().indexOf(feature);
            double[] values = result.split().train().stream()
                    .mapToDouble(r -> data.rows().get(r)[column])
                    .toArray();
            FeatureStats stats = card.featureStats().get(feature);
            assertEquals(Arrays.stream(values).min().orElseThrow(), stats.min(), 0, feature + " min");
            assertEquals(Arrays.stream(values).max().orElseThrow(), stats.max(), 0, feature + " max");
            assertEquals(Arrays.stream(values).average().orElseThrow(), stats.mean(), 1e-12, feature + " mean");
        }

        for (String feature : classifier.signature().featureNames()) {
            int column = data.featureNames().indexOf(feature);
            org.tabserve.model.card.FeatureHistogram histogram =
                    card.histograms().get(feature);
            assertEquals(
                    card.featureStats().get(feature).min(), histogram.edges().get(0), 0, feature + " first edge");
            assertEquals(
                    card.featureStats().get(feature).max(),
                    histogram.edges().get(histogram.bins()),
                    0,
                    feature + " last edge");
            for (String label : List.of("0", "1")) {
                long rows = result.split().train().stream()
                        .filter(r -> data.labels().get(r).equals(label))
                        .count();
                assertEquals(
                        rows,
                        histogram.counts().get(label).stream()
                                .mapToInt(Integer::intValue)
                                .sum(),
                        feature + ": every training row of class " + label + " is in one bin");
                long inFirstBin = result.split().train().stream()
                        .filter(r -> data.labels().get(r).equals(label))
                        .filter(r ->
                                data.rows().get(r)[column] < histogram.edges().get(1))
                        .count();
                assertEquals(
                        inFirstBin, (long) histogram.counts().get(label).get(0), feature + " first bin of " + label);
            }
        }
        for (String label : List.of("0", "1")) {
            assertEquals(3, card.examples().get(label).size(), "three examples of class " + label);
            for (Map<String, Object> example : card.examples().get(label)) {
                double[] row = data.featureNames().stream()
                        .mapToDouble(f -> (Double) example.get(f))
                        .toArray();
                boolean fromTraining = result.split().train().stream()
                        .anyMatch(r -> Arrays.equals(data.rows().get(r), row)
                                && data.labels().get(r).equals(label));
                assertTrue(fromTraining, "example " + example + " is a training row of class " + label);
            }
        }

        Evaluation evaluation = card.evaluation();
        assertEquals(List.of("0", "1"), evaluation.confusionLabels());
        int total = evaluation.confusion().stream()
                .flatMap(List::stream)
                .mapToInt(Integer::intValue)
                .sum();
        assertEquals(result.split().test().size(), total);
        for (String label : List.of("0", "1")) {
            long support = result.split().test().stream()
                    .filter(r -> data.labels().get(r).equals(label))
                    .count();
            assertEquals(support, evaluation.perClass().get(label).support());
            assertTrue(evaluation.perClass().get(label).precision() >= 0.99);
            assertTrue(evaluation.perClass().get(label).recall() >= 0.99);
        }

        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(DATA)));
        assertEquals(sha, card.data().get("sha256"));
        assertEquals(1372, card.data().get("rows"));
        assertTrue(((String) card.data().get("licence")).contains("CC BY 4.0"));
        assertEquals(result.chosen().candidate().name(), card.trainer().get("name"));
        assertTrue(card.trainer().get("library").toString().startsWith("Tribuo"));
        assertEquals(Training.SEED, ((Number) ((Map<?, ?>) card.trainer().get("settings")).get("seed")).longValue());
        assertTrue(
                card.metadata().keySet().stream().allMatch(k -> k.startsWith(CardKeys.PREFIX)),
                "only card keys, no Tribuo provenance with timestamps: "
                        + card.metadata().keySet());
    }

    @Test
    void chosenCandidateHasTheBestCrossValidatedAccuracy() {
        double best = result.scores().stream()
                .mapToDouble(Training.Score::accuracy)
                .max()
                .orElseThrow();
        assertEquals(best, result.chosen().accuracy());
        assertTrue(result.scores().size() > 1, "a choice needs more than one candidate");
    }

    /** Rows matched to the model's features by name, as a server matches named values. */
    private static Batch namedRows(List<Integer> rows) {
        List<Object[]> cells = new ArrayList<>();
        List<String> order = classifier.signature().featureNames();
        for (int row : rows) {
            Object[] ordered = new Object[order.size()];
            for (int i = 0; i < ordered.length; i++) {
                ordered[i] = data.rows().get(row)[data.featureNames().indexOf(order.get(i))];
            }
            cells.add(ordered);
        }
        return Batch.of(classifier.signature(), cells);
    }
}
