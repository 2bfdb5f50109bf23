package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Transformer on a Structured Streaming DataFrame, as docs/scale.md shows it: a directory of Parquet files read as
 * a stream, one file a micro-batch, scored by {@link TabserveModel#transform} and written by Spark's file sink. Every
 * row gets the answer the same Transformer gives the same table read as a batch (a row without the {@code variance}
 * the model needs its errors), and the JVM (driver and executor alike, in local mode) made no session for the stream:
 * the model it loaded once serves every micro-batch ({@link ModelCache#loads()}).
 */
class TabserveModelStreamingTest {

    private static final int FILES = 3;

    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .appName("tabserve-streaming-test")
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void scoresEachMicroBatchOfAFileStreamWithTheOneSessionItLoaded() throws Exception {
        String in = dir.resolve("in").toString();
        String out = dir.resolve("out").toString();
        // The bank notes in three Parquet files, the first two rows without the variance the model needs.
        spark.read()
                .option("header", "true")
                .schema("variance DOUBLE, skewness DOUBLE, curtosis DOUBLE, entropy DOUBLE, class INT")
                .csv(System.getProperty("tabserve.data"))
                .withColumn("id", monotonically_increasing_id())
                .withColumn(
                        "variance",
                        when(col("id").lt(2), lit(null).cast("double")).otherwise(col("variance")))
                .repartition(FILES)
                .write()
                .parquet(in);
        StructType schema = spark.read().parquet(in).schema();
        TabserveModel model = new TabserveModel().setModelPath(System.getProperty("tabserve.model"));

        Dataset<Row> stream = spark.readStream()
                .schema(schema)
                .option("maxFilesPerTrigger", 1)
                .parquet(in);
        Dataset<Row> scoredStream = model.transform(stream);
        assertTrue(scoredStream.isStreaming());
        int loadsBefore = ModelCache.loads();
        StreamingQuery query = scoredStream
                .writeStream()
                .format("parquet")
                .option("path", out)
                .option("checkpointLocation", dir.resolve("checkpoint").toString())
                .trigger(Trigger.AvailableNow())
                .start();
        assertTrue(query.awaitTermination(300_000), "the stream did not end within 300 s");
        assertTrue(query.exception().isEmpty(), () -> query.exception().get().toString());

        List<StreamingQueryProgress> batches = Arrays.stream(query.recentProgress())
                .filter(p -> p.numInputRows() > 0)
                .toList();
        assertEquals(FILES, batches.size(), "one micro-batch a file: " + Arrays.toString(query.recentProgress()));
        assertEquals(
                0,
                ModelCache.loads() - loadsBefore,
                "the model loaded once in this JVM (by transform, on the driver) serves every micro-batch");

        List<Row> streamed = spark.read().parquet(out).orderBy("id").collectAsList();
        List<Row> batch =
                model.transform(spark.read().parquet(in)).orderBy("id").collectAsList();
        assertEquals(1372, streamed.size());
        assertEquals(batch, streamed);
        for (int r = 0; r < 2; r++) {
            Row refused = streamed.get(r);
            assertTrue(refused.isNullAt(refused.fieldIndex("prediction")), refused.toString());
            Row error = refused.<Row>getList(refused.fieldIndex("errors")).get(0);
            assertEquals("missing value for 'variance'", error.getString(1));
        }
        Row answered = streamed.get(2);
        assertTrue(answered.isNullAt(answered.fieldIndex("errors")), answered.toString());
        assertEquals(
                answered.getAs("class").toString(),
                answered.getStruct(answered.fieldIndex("prediction")).getString(0),
                answered.toString());
    }
}
