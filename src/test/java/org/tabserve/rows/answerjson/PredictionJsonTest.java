package org.tabserve.rows.answerjson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.RowWarnings;

/**
 * The answer of many rows ({@link PredictionJson.Rows}: names encoded once, ranges looked up once) must be the same
 * JSON, byte for byte, and the same warnings as the one-row writer's, for labels that need escaping too.
 */
class PredictionJsonTest {

    private static final List<String> CLASSES = List.of("0", "fake \"one\"", "é\u2028");
    private static final ModelSignature SIGNATURE =
            ModelSignature.floatClassifier("input", List.of("a", "b"), CLASSES, OutputKind.PROBABILITIES);
    private static final ModelCard CARD = ModelCard.builder("m", "1")
            .classDisplayNames(Map.of("0", "genuine <note>"))
            .featureStats(Map.of("a", new FeatureStats(-1, 1, 0)))
            .build();

    private interface Writing {
        void write(JsonGenerator json) throws IOException;
    }

    private static String json(Writing writing) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JsonText.FACTORY.createGenerator(out)) {
            json.writeStartArray();
            writing.write(json);
            json.writeEndArray();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rowsAreWrittenAsTheOneRowWriterWritesThem() throws IOException {
        double[][] numbers = {{0.5, 9}, {7, 0}, {Double.NaN, 1}, {-1, 1}};
        Batch batch = Batch.ofNumbers(SIGNATURE, new double[][] {{0.5, 9}, {7, 0}, {0, 1}, {-1, 1}});
        List<Prediction> predictions = List.of(
                new Prediction.Classification("0", CLASSES, List.of(0.25, 0.5, 0.25)),
                new Prediction.Classification("fake \"one\"", CLASSES, List.of(1e-300, 1.0, 0.0)),
                new Prediction.Classification("é\u2028", CLASSES, List.of(0.1, 0.2, 0.7)),
                new Prediction.Regression(2.5));
        PredictionJson.Rows rows = new PredictionJson.Rows(SIGNATURE, CARD);
        for (int r = 0; r < numbers.length; r++) {
            List<RangeWarning> expected = RowWarnings.warnings(CARD, batch, r, numbers[r]);
            assertEquals(expected, rows.warnings(batch, r, numbers[r]));
            Object[] sent = {numbers[r][0], "text"};
            assertEquals(RowWarnings.warnings(CARD, batch, r, sent), rows.warnings(batch, r, sent));
            Prediction prediction = predictions.get(r);
            String one = json(json -> PredictionJson.write(json, prediction, CARD, expected));
            String many = json(json -> rows.write(json, prediction, expected));
            assertEquals(one, many);
        }
        assertTrue(
                json(json -> rows.write(json, predictions.get(1), RowWarnings.warnings(CARD, batch, 1, numbers[1])))
                        .contains("\"the model has not seen an a this high"),
                "a warning is written");
    }

    @Test
    void manyRowsInOneArrayAreTheOneRowWritersBytesWhateverComesBetweenThem() throws IOException {
        Batch batch = Batch.ofNumbers(SIGNATURE, new double[][] {{0.5, 0}, {7, 0}, {0, 1}});
        double[][] numbers = {{0.5, 0}, {7, 0}, {0, 1}};
        List<Prediction> predictions = List.of(
                new Prediction.Classification("0", CLASSES, List.of(0.2, 0.5, 0.3)),
                new Prediction.Classification(
                        "fake \"one\"", CLASSES, List.of(0.0027846060693264008, 0.9972153902053833, 1e-7)),
                new Prediction.Classification("é\u2028", CLASSES, List.of(Double.NaN, 0.5, Double.POSITIVE_INFINITY)),
                new Prediction.Classification("0", CLASSES, List.of(1.0, 0.0, -0.0)),
                new Prediction.Regression(3.25));
        PredictionJson.Rows rows = new PredictionJson.Rows(SIGNATURE, CARD);
        List<FieldProblem> problems = List.of(new FieldProblem("a", "not a number", 3));
        // Enough rows for the row's text to be encoded (after 32), with rows that warn and bad rows among them.
        Writing one = json -> {
            for (int r = 0; r < 100 * predictions.size(); r++) {
                PredictionJson.write(
                        json, predictions.get(r % 5), CARD, RowWarnings.warnings(CARD, batch, r % 3, numbers[r % 3]));
                if (r % 7 == 1) {
                    RowErrorsJson.write(json, problems);
                }
            }
        };
        Writing many = json -> {
            for (int r = 0; r < 100 * predictions.size(); r++) {
                rows.write(json, predictions.get(r % 5), rows.warnings(batch, r % 3, numbers[r % 3]));
                if (r % 7 == 1) {
                    RowErrorsJson.write(json, problems);
                }
            }
        };
        assertEquals(json(one), json(many));
        assertTrue(json(many).contains("{\"label\":\"fake \\\"one\\\"\",\"display_name\":"), json(many));
        // A generator set to write otherwise gets its own calls, not the encoded text.
        assertEquals(pretty(one), pretty(many));
    }

    private static String pretty(Writing writing) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JsonText.FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
            json.writeStartArray();
            writing.write(json);
            json.writeEndArray();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
