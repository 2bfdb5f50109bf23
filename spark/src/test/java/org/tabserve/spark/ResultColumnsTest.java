package org.tabserve.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.RequestField;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.answerjson.PredictionJson;

/**
 * The answer column, written by looping over the described fields: the same struct as before, field for field and in
 * Spark's order (explanation last, no coverage), each row's values in that order, and the column's metadata carrying
 * exactly the request-level fields an answer's body carries, under {@code tabserve.KEY}.
 */
class ResultColumnsTest {

    private static final StructType INTERVAL =
            new StructType().add("lower", DataTypes.DoubleType).add("upper", DataTypes.DoubleType);
    private static final StructType NOVELTY =
            new StructType().add("p_value", DataTypes.DoubleType).add("novel", DataTypes.BooleanType);
    private static final StructType EXPLANATION = new StructType()
            .add("method", DataTypes.StringType)
            .add("explained", DataTypes.StringType)
            .add("class", DataTypes.StringType)
            .add("base_value", DataTypes.DoubleType)
            .add("output", DataTypes.DoubleType)
            .add("contributions", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType));
    private static final StructType PROBABILITIES =
            new StructType().add("no", DataTypes.DoubleType).add("yes", DataTypes.DoubleType);

    @Test
    void keepsTheStructsFieldsTypesAndOrder() {
        assertEquals(
                new StructType().add("label", DataTypes.StringType).add("probabilities", PROBABILITIES),
                new ResultColumns(true, false, false, List.of("no", "yes")).answerType());
        assertEquals(
                new StructType()
                        .add("label", DataTypes.StringType)
                        .add("probabilities", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
                new ResultColumns(true, false, false, List.of("no", "no")).answerType(),
                "labels that repeat: a map");
        assertEquals(
                new StructType()
                        .add("label", DataTypes.StringType)
                        .add("probabilities", PROBABILITIES)
                        .add("prediction_set", DataTypes.createArrayType(DataTypes.StringType))
                        .add("novelty", NOVELTY)
                        .add("explanation", EXPLANATION),
                new ResultColumns(true, true, true, List.of("no", "yes")).answerType());
        assertEquals(
                new StructType().add("value", DataTypes.DoubleType),
                new ResultColumns(false, false, false, List.of()).answerType());
        assertEquals(
                new StructType()
                        .add("value", DataTypes.DoubleType)
                        .add("interval", INTERVAL)
                        .add("novelty", NOVELTY)
                        .add("explanation", EXPLANATION),
                new ResultColumns(false, true, true, List.of()).answerType());
        assertEquals(
                new StructType().add("value", DataTypes.DoubleType).add("explanation", EXPLANATION),
                new ResultColumns(false, false, true, List.of()).answerType());
    }

    @Test
    void writesEachRowsValuesInTheStructsOrder() {
        Explanation explanation =
                new Explanation(Explanation.EXACT, "margin", "yes", 0.1, 0.7, Map.of("x", 0.6), 10, 0, Map.of());
        Object[] classified = new ResultColumns(true, true, true, List.of("no", "yes"))
                .answer(
                        new Prediction.Classification("yes", List.of("no", "yes"), List.of(0.2, 0.8)),
                        new Uncertainty(0.9, null, List.of("yes"), null),
                        explanation);
        assertEquals(5, classified.length);
        assertEquals("yes", classified[0]);
        assertEquals(0.8, ((Row) classified[1]).getDouble(1));
        assertArrayEquals(new String[] {"yes"}, (String[]) classified[2]);
        assertNull(classified[3], "no novelty where the card cannot tell");
        assertEquals("margin", ((Row) classified[4]).getString(1));

        Object[] regressed = new ResultColumns(false, true, false, List.of())
                .answer(
                        new Prediction.Regression(2.5),
                        new Uncertainty(
                                0.9,
                                new Uncertainty.Interval(2.0, 3.0, 0.9, false),
                                null,
                                new Uncertainty.RowNovelty(0.4, false)),
                        null);
        assertEquals(3, regressed.length);
        assertEquals(2.5, regressed[0]);
        assertEquals(3.0, ((Row) regressed[1]).getDouble(1));
        assertEquals(0.4, ((Row) regressed[2]).getDouble(0));
    }

    /**
     * Spark's struct gives the server's JSON answer's values, written by the JSON routes' own writer
     * ({@link PredictionJson}) for the same scored row: every member of the struct, at any depth, equals the JSON's
     * value at the same key (a missing key for a null member); a field Spark leaves out (the display name, warnings,
     * the coverage) or a member it does not carry (an interval's coverage) is the JSON's alone.
     */
    @Test
    void givesTheJsonAnswersValues() throws Exception {
        Explanation explanation =
                new Explanation(Explanation.EXACT, "margin", "yes", 0.1, 0.7, Map.of("x", 0.6), 10, 0, Map.of());
        ScoredRows classified = new ScoredRows(
                List.of(new Prediction.Classification("yes", List.of("no", "yes"), List.of(0.2, 0.8))),
                List.of(explanation),
                List.of(new Uncertainty(0.9, null, List.of("yes"), new Uncertainty.RowNovelty(0.03, true))));
        sameValues(new ResultColumns(true, true, true, List.of("no", "yes")), classified);
        sameValues(new ResultColumns(true, false, false, List.of("no", "no")), classified);
        ScoredRows regressed = new ScoredRows(
                List.of(new Prediction.Regression(2.5)),
                List.of(new Explanation(Explanation.EXACT, "value", null, 1.5, 2.5, Map.of("x", 1.0), 10, 0, Map.of())),
                List.of(new Uncertainty(
                        0.9,
                        new Uncertainty.Interval(2.0, 3.0, 0.9, true),
                        null,
                        new Uncertainty.RowNovelty(0.4, false))));
        sameValues(new ResultColumns(false, true, true, List.of()), regressed);
    }

    private static void sameValues(ResultColumns columns, ScoredRows scored) throws Exception {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(text)) {
            PredictionJson.write(json, scored, 0, ModelCard.builder("m", "").build(), List.of(), null, null);
        }
        JsonNode answer = new ObjectMapper().readTree(text.toString());
        StructType type = columns.answerType();
        Object[] values = columns.answer(scored.row(0));
        for (int f = 0; f < values.length; f++) {
            sameValue(
                    type.fields()[f].name(),
                    type.fields()[f].dataType(),
                    values[f],
                    answer.path(type.fields()[f].name()));
        }
    }

    /** Spark's {@code value} of {@code type} is the JSON's {@code json}, member by member. */
    private static void sameValue(String where, DataType type, Object value, JsonNode json) {
        if (value == null) {
            assertTrue(json.isMissingNode() || json.isNull(), where + ": Spark's null, the JSON's " + json);
        } else if (type instanceof StructType struct) {
            for (int m = 0; m < struct.size(); m++) {
                String name = struct.fields()[m].name();
                sameValue(where + "." + name, struct.fields()[m].dataType(), ((Row) value).get(m), json.path(name));
            }
        } else if (value instanceof scala.collection.Map<?, ?> any) {
            @SuppressWarnings("unchecked")
            scala.collection.Map<String, Object> map = (scala.collection.Map<String, Object>) any;
            assertEquals(json.size(), map.size(), where);
            json.fields()
                    .forEachRemaining(e -> assertEquals(
                            e.getValue().asDouble(), (Double) map.apply(e.getKey()), where + "." + e.getKey()));
        } else if (value instanceof Object[] array) {
            assertEquals(json.size(), array.length, where);
            for (int i = 0; i < array.length; i++) {
                assertEquals(json.get(i).asText(), String.valueOf(array[i]), where + "[" + i + "]");
            }
        } else if (value instanceof Double number) {
            assertEquals(json.asDouble(), number, where);
        } else if (value instanceof Boolean flag) {
            assertEquals(json.asBoolean(), flag, where);
        } else {
            assertEquals(json.asText(), String.valueOf(value), where);
        }
    }

    @Test
    void theAnswerColumnsMetadataCarriesTheRequestLevelFieldsTheBodyCarries() {
        ResultColumns columns = new ResultColumns(true, false, false, List.of("no", "yes"));
        StructType input = new StructType().add("x", DataTypes.DoubleType);

        AnswerSource offline = new AnswerSource("notes", 0, "ab12", "plain Java", null, false);
        assertEquals(
                new MetadataBuilder()
                        .putString(RequestField.METADATA_PREFIX + RequestField.MODEL_SHA256.key(), "ab12")
                        .build(),
                columns.schema(input, "prediction", "errors", offline)
                        .apply("prediction")
                        .metadata(),
                "offline, the body carries the served file's digest alone");

        AnswerSource canary = new AnswerSource("notes", 7, "ab12", "plain Java", "r-1", true);
        Metadata metadata = columns.schema(input, "prediction", "errors", canary)
                .apply("prediction")
                .metadata();
        for (RequestField field : RequestField.values()) {
            String key = RequestField.METADATA_PREFIX + field.key();
            assertEquals(field.inBody(canary), metadata.contains(key), key);
        }
        assertEquals(7L, metadata.getLong("tabserve.model_version"));
    }

    @Test
    void aTracedAnswersColumnCarriesItsTraceId() {
        AnswerSource traced =
                new AnswerSource("notes", 0, "ab12", "plain Java", null, false, "0af7651916cd43dd8448eb211c80319c");
        Metadata metadata = new ResultColumns(true, false, false, List.of("no", "yes"))
                .schema(new StructType().add("x", DataTypes.DoubleType), "prediction", "errors", traced)
                .apply("prediction")
                .metadata();
        assertEquals(
                "0af7651916cd43dd8448eb211c80319c",
                metadata.getString(RequestField.METADATA_PREFIX + RequestField.TRACE_ID.key()));
    }

    /**
     * Every described field a covered, explained answer carries is in Spark's struct under its key, or declined here
     * with its reason: a field added to the description that Spark neither carries nor declines fails here.
     */
    @Test
    void everyDescribedFieldIsInTheStructOrDeclined() {
        for (boolean classifier : new boolean[] {true, false}) {
            AnswerShape shape = new AnswerShape(classifier ? List.of("no", "yes") : null, true, true, true);
            List<String> names = List.of(new ResultColumns(classifier, true, true, List.of("no", "yes"))
                    .answerType()
                    .fieldNames());
            for (AnswerField field : AnswerField.values()) {
                if (!field.present(shape, false)) {
                    continue;
                }
                String name = switch (field) {
                    case LABEL, PROBABILITIES, VALUE, EXPLANATION, INTERVAL, PREDICTION_SET, NOVELTY -> field.key();
                    // for people and a JSON answer: Spark's answer is read by programs
                    case DISPLAY_NAME, WARNINGS -> null;
                    // the job asks one coverage for every row (its coverage param)
                    case COVERAGE -> null;
                    // a row left out has its errors in a column of their own (errorCol)
                    case ERRORS -> null;
                };
                if (name != null) {
                    assertTrue(names.contains(name), "Spark's struct leaves out " + field + ": " + names);
                }
            }
        }
    }
}
