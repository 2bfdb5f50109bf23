package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs as a new user meets them with a table tabserve made (issue 65): {@code score --out x.parquet}'s table scored
 * by {@link ScoreParquet} with the command's answers; a table of numbers written as text taken as the server takes
 * the same file's text; the job's summary (rows in, answered, refused, the first reasons) and its exit status when
 * every row, or more than {@code --max-refused}, was refused; and {@link CompareWithServer} failing when it compared
 * no row. Each job makes and stops its own session, as it does under {@code spark/job}.
 */
class ScoreParquetTest {

    private static final Path ROOT =
            Path.of(System.getProperty("tabserve.war")).getParent().getParent();
    private static final String MODEL = ROOT.resolve("model.onnx").toString();
    private static final Path CSV = ROOT.resolve("data/BankNote_Authentication.csv");

    /** Where the score command's table is written, once for the tests that read it. */
    @TempDir
    static Path shared;

    private static Path byCommand;

    @BeforeAll
    static void sessions() {
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.ui.enabled", "false");
    }

    private static SparkSession spark() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("score-parquet-test")
                .getOrCreate();
    }

    /** The job's exit status and what it printed. */
    private record Said(int status, String out) {}

    private static Said score(String... args) {
        PrintStream was = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--master", "local[2]", "--model", MODEL));
        all.addAll(List.of(args));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int status = ScoreParquet.run(all.toArray(String[]::new));
            return new Said(status, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(was);
        }
    }

    /**
     * @return the table {@code java -jar tabserve.war score --model model.onnx --data CSV --out OUT} wrote, the command
     *     run once for the class
     */
    private static synchronized Path byCommand() throws Exception {
        if (byCommand == null) {
            Path out = shared.resolve("by-command.parquet");
            scoreCommand(out);
            byCommand = out;
        }
        return byCommand;
    }

    /** {@code java -jar tabserve.war score --model model.onnx --data CSV --out OUT}, the command itself. */
    private static void scoreCommand(Path out) throws Exception {
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        System.getProperty("tabserve.war"),
                        "score",
                        "--model",
                        MODEL,
                        "--data",
                        CSV.toString(),
                        "--out",
                        out.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), said);
    }

    @Test
    void scoresATableWrittenByTheScoreCommandWithItsAnswers(@TempDir Path dir) throws Exception {
        Said said = score(
                "--in", byCommand().toString(), "--out", dir.resolve("scored").toString());
        assertEquals(0, said.status(), said.out());
        assertTrue(said.out().contains("tabserve-spark: 1,372 rows in, 1,372 answered, 0 refused\n"), said.out());
        SparkSession spark = spark();
        try {
            Dataset<Row> scored = spark.read().parquet(dir.resolve("scored").toString());
            assertEquals(1372, scored.count());
            assertEquals(0, scored.where(col("errors").isNotNull()).count());
            // The command's label and probabilities (its answer columns, echoed) are Spark's, to every digit.
            assertEquals(
                    0,
                    scored.where(col("label")
                                    .notEqual(col("prediction.label"))
                                    .or(col("probability_1").notEqual(col("prediction.probabilities.1"))))
                            .count());
        } finally {
            spark.stop();
        }
    }

    @Test
    void takesNumbersWrittenAsTextAsTheServerTakesThem() throws Exception {
        Path byCommand = byCommand();
        SparkSession spark = spark();
        try {
            // Spark's CSV reader gives every column as text (StringType); one row's variance is no number.
            Dataset<Row> text = spark.read().option("header", "true").csv(CSV.toString());
            Dataset<Row> numbers = spark.read().parquet(byCommand.toString());
            Dataset<Row> fromText = new TabserveModel().setModelPath(MODEL).transform(text);
            Dataset<Row> fromNumbers = new TabserveModel().setModelPath(MODEL).transform(numbers);
            List<Row> a = fromText.select("prediction").collectAsList();
            List<Row> b = fromNumbers.select("prediction").collectAsList();
            assertEquals(1372, a.size());
            assertEquals(b, a, "numbers as text get the answers of numbers");
            Row bad = new TabserveModel()
                    .setModelPath(MODEL)
                    .transform(text.limit(1).withColumn("variance", org.apache.spark.sql.functions.lit("3,6x")))
                    .first();
            assertEquals(
                    "[[variance,'variance' must be a finite decimal number, got '3,6x']]",
                    bad.getList(bad.fieldIndex("errors")).toString());
        } finally {
            spark.stop();
        }
    }

    @Test
    void failsWhenEveryRowOrMoreThanMaxRefusedWereRefused(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad");
        Path third = dir.resolve("third");
        SparkSession spark = spark();
        try {
            Dataset<Row> text =
                    spark.read().option("header", "true").csv(CSV.toString()).limit(3);
            text.withColumn("variance", org.apache.spark.sql.functions.lit("x"))
                    .write()
                    .parquet(bad.toString());
            text.withColumn(
                            "variance",
                            org.apache
                                    .spark
                                    .sql
                                    .functions
                                    .when(col("variance").equalTo("3.6216"), "x")
                                    .otherwise(col("variance")))
                    .write()
                    .parquet(third.toString());
        } finally {
            spark.stop();
        }
        Said all = score(
                "--in", bad.toString(), "--out", dir.resolve("all-refused").toString());
        assertEquals(1, all.status(), all.out());
        assertTrue(
                all.out()
                        .contains("3 rows in, 0 answered, 3 refused; the first reasons:"
                                + " variance: 'variance' must be a finite decimal number, got 'x'\n"),
                all.out());

        Said within = score("--in", third.toString(), "--out", dir.resolve("a").toString(), "--max-refused", "34%");
        assertEquals(0, within.status(), within.out());
        assertTrue(within.out().contains("3 rows in, 2 answered, 1 refused;"), within.out());
        Said past = score("--in", third.toString(), "--out", dir.resolve("b").toString(), "--max-refused", "0");
        assertEquals(1, past.status(), past.out());
        assertEquals(
                "--max-refused takes a count of rows (10) or a share of them from 0% to 100% (1%); got '101%'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> score(
                                        "--in",
                                        third.toString(),
                                        "--out",
                                        dir.resolve("c").toString(),
                                        "--max-refused",
                                        "101%"))
                        .getMessage());

        // Nothing to compare is no pass: the job fails before it asks the server anything.
        IllegalStateException none = assertThrows(
                IllegalStateException.class,
                () -> CompareWithServer.main(new String[] {
                    "--model",
                    MODEL,
                    "--scored",
                    dir.resolve("all-refused").toString(),
                    "--server",
                    "http://127.0.0.1:9"
                }));
        assertTrue(none.getMessage().startsWith("compared no row: "), none.getMessage());
    }
}
