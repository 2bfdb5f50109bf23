package org.tabserve.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Transformer's mapping in a local Spark, on the real exporter's fixtures: Spark's column types taken as the
 * server takes JSON (a whole-number column for a text input is its text, a null is missing), each row's errors in its
 * error column or the job failed when asked, and the card's coverage as {@code prediction_set} and {@code novelty},
 * and each answer's {@code explanation} when asked.
 */
class TabserveModelTest {

    private static final Path FIXTURES = Path.of(System.getProperty("tabserve.fixtures"));

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .appName("tabserve-model-test")
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> penguins(boolean massAsText) {
        StructType schema = new StructType()
                .add("name", DataTypes.StringType)
                .add("island", DataTypes.StringType)
                .add("body_mass_kg", massAsText ? DataTypes.StringType : DataTypes.LongType)
                .add("flipper_length_mm", DataTypes.DoubleType);
        Object three = massAsText ? "3" : (Object) 3L;
        Object five = massAsText ? "5" : (Object) 5L;
        return spark.createDataFrame(
                List.of(
                        RowFactory.create("a", "Torgersen", three, 181.0),
                        RowFactory.create("b", "Biscoe", five, 217.0),
                        RowFactory.create("c", "Dream", three, null)),
                schema);
    }

    @Test
    void takesAWholeNumberColumnForATextInputAsItsTextAndGivesABadRowItsErrors() {
        TabserveModel model = new TabserveModel()
                .setModelPath(FIXTURES.resolve("penguins/kg-as-text.onnx").toString())
                .setBatchSize(2);
        List<Row> numbers = model.transform(penguins(false)).orderBy("name").collectAsList();
        List<Row> texts = model.transform(penguins(true)).orderBy("name").collectAsList();
        assertEquals(3, numbers.size());
        for (int r = 0; r < 2; r++) {
            Row answer = numbers.get(r).getStruct(numbers.get(r).fieldIndex("prediction"));
            assertNotNull(answer.getString(0));
            assertEquals(texts.get(r).getStruct(texts.get(r).fieldIndex("prediction")), answer);
            assertTrue(numbers.get(r).isNullAt(numbers.get(r).fieldIndex("errors")));
        }
        assertEquals("Torgersen", numbers.get(0).getAs("island"), "the input's columns are kept");
        Row bad = numbers.get(2);
        assertNull(bad.getAs("prediction"));
        List<Row> errors = bad.getList(bad.fieldIndex("errors"));
        assertEquals("flipper_length_mm", errors.get(0).getString(0));
        assertEquals("missing value for 'flipper_length_mm'", errors.get(0).getString(1));

        Exception failed = assertThrows(
                Exception.class,
                () -> model.setFailOnError(true).transform(penguins(false)).collectAsList());
        assertTrue(
                String.valueOf(failed.getMessage()).contains("missing value for 'flipper_length_mm'"),
                failed.getMessage());
    }

    @Test
    void answersAsTheTransformerThroughTheSqlFunction() {
        String model = FIXTURES.resolve("penguins/kg-as-text.onnx").toString();
        TabserveFunctions.register(spark, "penguin", model);
        penguins(false).createOrReplaceTempView("penguins");
        List<Row> sql = spark.sql("SELECT name, penguin(struct(*)) AS answer FROM penguins ORDER BY name")
                .collectAsList();
        List<Row> transformed = new TabserveModel()
                .setModelPath(model)
                .transform(penguins(false))
                .orderBy("name")
                .collectAsList();
        for (int r = 0; r < 2; r++) {
            Row answer = sql.get(r).getStruct(1);
            Row expected = transformed.get(r).getStruct(transformed.get(r).fieldIndex("prediction"));
            assertEquals(expected.getString(0), answer.getString(0));
            assertEquals(expected.getStruct(1), answer.getStruct(1));
            assertEquals(
                    List.of("Adelie", "Chinstrap", "Gentoo"),
                    List.of(answer.getStruct(1).schema().fieldNames()),
                    "the probabilities: one field per class, named by its label");
            assertTrue(answer.isNullAt(2));
        }
        Row bad = sql.get(2).getStruct(1);
        assertTrue(bad.isNullAt(0));
        assertEquals(
                "missing value for 'flipper_length_mm'",
                bad.getList(2).get(0) instanceof Row error ? error.getString(1) : null);
    }

    @Test
    void answersWithTheSchemaTransformSchemaGivesMetadataIncluded() {
        TabserveModel model = new TabserveModel()
                .setModelPath(FIXTURES.resolve("penguins/kg-as-text.onnx").toString());
        Dataset<Row> penguins = penguins(false);
        StructType promised = model.transformSchema(penguins.schema());
        StructType answered = model.transform(penguins).schema();
        assertEquals(promised, answered);
        assertEquals(
                promised.apply("prediction").metadata(),
                answered.apply("prediction").metadata(),
                "the answer column's metadata (its request-level fields) survives the scoring");
    }

    /**
     * The text columns cross the scoring as their bytes ({@link TextBytes}) and come back as the same text, with their
     * metadata: one the model reads, one it does not (named with a dot), and a table with two names Spark cannot tell
     * apart, whose text stays text all along.
     */
    @Test
    void givesBackEveryTextColumnAsItWasWithItsMetadata() {
        TabserveModel model = new TabserveModel()
                .setModelPath(FIXTURES.resolve("penguins/kg-as-text.onnx").toString());
        org.apache.spark.sql.types.Metadata tagged = new org.apache.spark.sql.types.MetadataBuilder()
                .putString("unit", "name")
                .build();
        Dataset<Row> penguins = penguins(false)
                .withColumn(
                        "the.name", org.apache.spark.sql.functions.col("name").as("the.name", tagged))
                .withColumn("note", org.apache.spark.sql.functions.lit("ünï ✓"));
        Dataset<Row> scored = model.transform(penguins);
        assertEquals(model.transformSchema(penguins.schema()), scored.schema());
        assertEquals(tagged, scored.schema().apply("the.name").metadata());
        List<Row> rows = scored.orderBy("name").collectAsList();
        List<Row> given = penguins.orderBy("name").collectAsList();
        for (int r = 0; r < given.size(); r++) {
            for (String text : List.of("name", "island", "the.name", "note")) {
                assertEquals((String) given.get(r).getAs(text), rows.get(r).getAs(text), text);
            }
        }
        assertNotNull(rows.get(0).getAs("prediction"));

        Dataset<Row> twice = penguins(false)
                .select(
                        org.apache.spark.sql.functions.col("*"),
                        org.apache.spark.sql.functions.lit("x").as("NAME"));
        List<Row> same = model.transform(twice).collectAsList(); // in the order given: "a" first
        assertEquals("x", same.get(0).getString(4));
        assertEquals(rows.get(0).<Row>getAs("prediction"), same.get(0).<Row>getAs("prediction"));
    }

    @Test
    void refusesATableWithoutAColumnTheModelTakes() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> new TabserveModel()
                        .setModelPath(
                                FIXTURES.resolve("penguins/kg-as-text.onnx").toString())
                        .transform(penguins(false).drop("island")));
        assertTrue(refused.getMessage().contains("no column 'island', which the model takes"), refused.getMessage());
    }

    @Test
    void answersWithThePredictionSetAndNoveltyAtTheCoverageAsked() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/carded"));
        Path carded = dir.resolve("forged.onnx");
        Path conformal = FIXTURES.resolve("conformal");
        Process card = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        System.getProperty("tabserve.war"),
                        "card",
                        "--model",
                        conformal.resolve("banknote-class-weak.onnx").toString(),
                        "--data",
                        conformal.resolve("train.csv").toString(),
                        "--label",
                        "class",
                        "--out",
                        carded.toString(),
                        "--calibration",
                        conformal.resolve("calibration.csv").toString(),
                        "--force")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("card.log").toFile())
                .start();
        assertTrue(card.waitFor(120, TimeUnit.SECONDS), "card ended");
        assertEquals(0, card.exitValue(), Files.readString(dir.resolve("card.log")));

        Dataset<Row> notes = spark.read()
                .option("header", "true")
                .option("inferSchema", "true")
                .csv(conformal.resolve("test.csv").toString());
        List<Row> scored = new TabserveModel()
                .setModelPath(carded.toString())
                .setCoverage(0.9)
                .setExplain(true)
                .transform(notes)
                .collectAsList();
        assertEquals(notes.count(), scored.size());
        for (Row row : scored) {
            Row answer = row.getStruct(row.fieldIndex("prediction"));
            List<String> set = answer.getList(answer.fieldIndex("prediction_set"));
            assertTrue(List.of("0", "1").containsAll(set), set.toString());
            Row novelty = answer.getStruct(answer.fieldIndex("novelty"));
            double p = novelty.getDouble(0);
            assertTrue(p > 0 && p <= 1, "p-value " + p);
            // The explanation, as "explain": true gives it: base value plus contributions is the explained output, the
            // predicted class's raw score (a logistic regression's weights explain it exactly: "margin").
            Row explanation = answer.getStruct(answer.fieldIndex("explanation"));
            assertEquals("margin", explanation.getString(explanation.fieldIndex("explained")));
            assertEquals(answer.getString(0), explanation.getString(explanation.fieldIndex("class")));
            java.util.Map<String, Double> contributions =
                    explanation.getJavaMap(explanation.fieldIndex("contributions"));
            assertEquals(java.util.Set.of("skewness", "curtosis"), contributions.keySet());
            double sum = explanation.getDouble(explanation.fieldIndex("base_value"))
                    + contributions.values().stream()
                            .mapToDouble(Double::doubleValue)
                            .sum();
            double output = explanation.getDouble(explanation.fieldIndex("output"));
            assertEquals(output, sum, 1e-6);
        }
    }

    /**
     * Issue 66, item 2: a row's label and probabilities have the same bits whatever the batch size; before, batches of
     * up to 16 rows of the species pipeline were answered in plain Java and larger ones in ONNX Runtime, and most of
     * the rows differed in their last bits between {@code batchSize} 16 and 4,096.
     */
    @Test
    void aRowHasTheSameBitsInBatchesOf16AndOf4096() {
        Dataset<Row> penguins = spark.read()
                .option("header", "true")
                .option("inferSchema", "true")
                .csv(FIXTURES.resolve("penguins/species-zipmap.inputs.csv").toString())
                .withColumn("id", org.apache.spark.sql.functions.monotonically_increasing_id());
        TabserveModel model = new TabserveModel()
                .setModelPath(FIXTURES.resolve("penguins/species-zipmap.onnx").toString());
        List<String> small =
                bits(model.setBatchSize(16).transform(penguins).orderBy("id").collectAsList());
        List<String> large =
                bits(model.setBatchSize(4096).transform(penguins).orderBy("id").collectAsList());
        assertEquals(penguins.count(), small.size());
        for (int r = 0; r < small.size(); r++) {
            assertEquals(small.get(r), large.get(r), "row " + r + " in batches of 16 and of 4,096");
        }
    }

    /** @return each row's label and the bits of each class's probability */
    private static List<String> bits(List<Row> rows) {
        return rows.stream()
                .map(row -> {
                    Row answer = row.getStruct(row.fieldIndex("prediction"));
                    Row probabilities = answer.getStruct(1);
                    StringBuilder bits = new StringBuilder(answer.getString(0));
                    for (int c = 0; c < probabilities.length(); c++) {
                        bits.append(' ')
                                .append(Long.toHexString(Double.doubleToRawLongBits(probabilities.getDouble(c))));
                    }
                    return bits.toString();
                })
                .toList();
    }
}
