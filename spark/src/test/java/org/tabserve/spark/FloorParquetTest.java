package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floor bench/spark sets beside a scoring job: {@link FloorParquet} writes the scored job's table (the same rows,
 * the same schema, the answer column's metadata included) with a constant answer in every row and no errors, for the
 * penguins pipeline, whose answer holds a struct of one probability per class.
 */
class FloorParquetTest {

    private static final Path FIXTURES = Path.of(System.getProperty("tabserve.fixtures"));
    private static final String MODEL =
            FIXTURES.resolve("penguins/species-zipmap.onnx").toString();

    private static SparkSession spark() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("floor-parquet-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    @Test
    void writesTheScoredJobsTableWithAConstantAnswerInEveryRow(@TempDir Path dir) {
        Path in = dir.resolve("in");
        SparkSession spark = spark();
        try {
            spark.read()
                    .option("header", "true")
                    .option("inferSchema", "true")
                    .csv(FIXTURES.resolve("penguins/species-zipmap.inputs.csv").toString())
                    .write()
                    .parquet(in.toString());
        } finally {
            spark.stop();
        }
        String[] flags = {"--master", "local[2]", "--model", MODEL, "--in", in.toString(), "--out", ""};
        flags[flags.length - 1] = dir.resolve("scored").toString();
        assertEquals(0, ScoreParquet.run(flags));
        flags[flags.length - 1] = dir.resolve("floor").toString();
        FloorParquet.main(flags);

        spark = spark();
        try {
            Dataset<Row> scored = spark.read().parquet(dir.resolve("scored").toString());
            Dataset<Row> floor = spark.read().parquet(dir.resolve("floor").toString());
            assertEquals(scored.schema(), floor.schema());
            assertEquals(
                    scored.schema().apply("prediction").metadata(),
                    floor.schema().apply("prediction").metadata());
            assertEquals(scored.count(), floor.count());
            assertEquals(1, floor.select("prediction").distinct().count(), "one answer in every row");
            assertEquals(0, floor.where(col("errors").isNotNull()).count());
            Row answer = floor.first().getStruct(floor.schema().fieldIndex("prediction"));
            assertEquals("constant", answer.getString(0));
            assertEquals(0.5, answer.getStruct(1).getDouble(0));
        } finally {
            spark.stop();
        }
    }
}
