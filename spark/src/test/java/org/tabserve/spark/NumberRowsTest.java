package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.read.CellRows;

/**
 * The plain numbers' path ({@link NumberRows}): double and float columns of a numbers-only model are read straight
 * into its input and answered as the typed cells answer the same values ({@link CellRows}, the server's reading), a
 * batch with a missing value falls back to the typed cells (that row's errors, the others answered alike), and a
 * column of another type keeps the typed cells.
 */
class NumberRowsTest {

    private static final Path FIXTURES = Path.of(System.getProperty("tabserve.fixtures"));

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .appName("number-rows-test")
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void answersNumberColumnsAsTheTypedCellsAnswerTheirValues() throws Exception {
        Path file = FIXTURES.resolve("conformal/banknote-class-weak.onnx");
        byte[] bytes = Files.readAllBytes(file);
        Model model =
                ModelCache.model(ModelCache.sha256(bytes), file.getFileName().toString(), () -> bytes);
        Dataset<Row> notes = spark.read()
                .option("header", "true")
                .option("inferSchema", "true")
                .csv(FIXTURES.resolve("conformal/test.csv").toString())
                .limit(60)
                .withColumn("row", org.apache.spark.sql.functions.monotonically_increasing_id());
        // Row 7 has no skewness: its batch (rows 0 to 15) goes by the typed cells.
        Dataset<Row> doubles = notes.withColumn(
                "skewness", when(col("row").equalTo(7), lit(null)).otherwise(col("skewness")));
        Dataset<Row> floats = doubles.withColumn("skewness", col("skewness").cast("float"))
                .withColumn("curtosis", col("curtosis").cast("float"));
        TabserveModel transformer =
                new TabserveModel().setModelPath(file.toString()).setBatchSize(16);

        for (Dataset<Row> table : List.of(doubles, floats)) {
            int[] inputs = {
                table.schema().fieldIndex("skewness"), table.schema().fieldIndex("curtosis")
            };
            assertNotNull(
                    NumberRows.of(model.signature(), table.schema(), inputs),
                    table.schema().toString());
            List<Row> scored = transformer.transform(table).orderBy("row").collectAsList();
            assertEquals(60, scored.size());
            for (int r = 0; r < scored.size(); r++) {
                // The typed cells of the same batch of 16 (one partition, in order): the engine a batch runs on
                // depends on its size (plain Java up to 16 rows, ONNX Runtime beyond), and so may the last digit.
                int from = r - r % 16;
                List<Object[]> cells = new ArrayList<>();
                for (Row row : scored.subList(from, Math.min(scored.size(), from + 16))) {
                    cells.add(new Object[] {row.getAs("skewness"), row.getAs("curtosis")});
                }
                CellRows.Checked checked = CellRows.check(model.signature(), cells);
                ScoredCells expected = ScoredCells.score(checked, AnswerAssembler.offline(model));
                Row row = scored.get(r);
                int kept = expected.order().scoredAt(r - from);
                if (r == 7) {
                    assertEquals(-1, kept);
                    assertNull(row.getAs("prediction"));
                    List<Row> errors = row.getList(row.fieldIndex("errors"));
                    assertEquals("missing value for 'skewness'", errors.get(0).getString(1));
                    continue;
                }
                assertTrue(kept >= 0, "row " + r);
                Prediction.Classification want =
                        (Prediction.Classification) expected.scored().prediction(kept);
                Row answer = row.getStruct(row.fieldIndex("prediction"));
                assertEquals(want.label(), answer.getString(0), "row " + r);
                Row probabilities = answer.getStruct(1);
                for (int c = 0; c < want.classes().size(); c++) {
                    assertEquals(
                            want.probabilities().get(c),
                            probabilities.getDouble(
                                    probabilities.fieldIndex(want.classes().get(c))),
                            "row " + r + " class " + want.classes().get(c));
                }
            }
        }

        Dataset<Row> longs = notes.withColumn("skewness", col("skewness").cast("long"));
        int[] inputs = {longs.schema().fieldIndex("skewness"), longs.schema().fieldIndex("curtosis")};
        assertNull(NumberRows.of(model.signature(), longs.schema(), inputs), "a long column keeps the typed cells");
    }
}
