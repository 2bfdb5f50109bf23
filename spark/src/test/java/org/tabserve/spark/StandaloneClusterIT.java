package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector on a real Spark standalone cluster, as the Scale page (docs/scale.md) runs it: {@code spark/cluster
 * start 2} starts a master and two workers as processes from Spark's own jars, {@code spark/job NotesTable} writes a
 * Parquet table of 100k bank notes made from the committed CSV (three of them without the {@code variance} the model
 * needs), and {@code spark/job ScoreParquet} scores it with {@link TabserveModel} and writes it as Parquet. Every row
 * is answered but the three, whose errors are in their error column; each executor JVM loaded the model once, though
 * it scored several of the table's partitions; and a sample of the answers equals the server's {@code /api/predict}
 * for the same rows, to every digit; the executors had the connector from the one jar, tabserve-spark-all.jar. The
 * test runs the page's commands with {@code --master} on a free port
 * ({@code SPARK_MASTER_PORT}) and its paths under target/, after the root build did what the page's first line does
 * (its SparkConnectorIT packages and verifies spark/ on the root's target/tabserve-core.jar, installing nothing in a
 * local repository that others may share, as the page's line does):
 *
 * <pre>
 * mvn -B package -DskipTests
 * mvn -B -f spark/pom.xml package -DskipTests -Dtabserve.core.jar=$PWD/target/tabserve-core.jar
 * spark/cluster start 2
 * spark/job NotesTable --master spark://127.0.0.1:7077 --csv data/BankNote_Authentication.csv --rows 100000 --bad 3 --out target/notes.parquet
 * spark/job ScoreParquet --master spark://127.0.0.1:7077 --model model.onnx --in target/notes.parquet --out target/scored.parquet
 * spark/cluster stop
 * </pre>
 */
class StandaloneClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 100_000;
    private static final int PARTITIONS = 8;

    private static Path dir;
    private static StandaloneCluster cluster;
    private static SparkSession spark;
    private static TabserveWar server;

    @BeforeAll
    static void start() throws Exception {
        dir = Path.of("target/cluster-it").toAbsolutePath();
        deleteTree(dir);
        // The server first: its first start of a new WAR unpacks it, and beside the cluster's three JVMs starting on
        // the same two cores that once took 165 s (the wait is 180 s).
        server = TabserveWar.start(Path.of(System.getProperty("tabserve.war")));
        cluster = StandaloneCluster.start(dir);
        // The test reads the job's output in a Spark of its own, in this JVM.
        spark = SparkSession.builder()
                .appName("tabserve-cluster-it-check")
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) {
            spark.stop();
        }
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void scoresAParquetTableOnTheClusterWithTheServersAnswers() throws Exception {
        Path input = dir.resolve("notes.parquet");
        Path output = dir.resolve("scored.parquet");
        cluster.job(
                "NotesTable",
                "--csv",
                System.getProperty("tabserve.data"),
                "--rows",
                Integer.toString(ROWS),
                "--bad",
                "3",
                "--out",
                input.toString());
        // More partitions than executors, so that each executor scores several of them with its one session.
        String said = cluster.job(
                "ScoreParquet",
                "--model",
                System.getProperty("tabserve.model"),
                "--in",
                input.toString(),
                "--out",
                output.toString(),
                "--partitions",
                Integer.toString(PARTITIONS),
                "--batch-size",
                "2048");
        assertTrue(said.contains("tabserve-spark: scored "), said);

        Dataset<Row> scored = spark.read().parquet(output.toString());
        assertEquals(ROWS, scored.count());
        List<Row> refused =
                scored.where(col("errors").isNotNull()).orderBy("id").collectAsList();
        assertEquals(3, refused.size(), refused.toString());
        for (Row row : refused) {
            assertNull(row.getAs("prediction"), row.toString());
            List<Row> errors = row.getList(row.fieldIndex("errors"));
            assertEquals("variance", errors.get(0).getString(0));
            assertEquals("missing value for 'variance'", errors.get(0).getString(1));
        }
        assertEquals(ROWS - 3, scored.where(col("prediction.label").isNotNull()).count());

        List<Row> sample = scored.where(col("errors").isNull())
                .dropDuplicates("variance", "skewness", "curtosis", "entropy")
                .orderBy("id")
                .limit(200)
                .collectAsList();
        assertEquals(200, sample.size());
        ArrayNode instances = JSON.createArrayNode();
        for (Row row : sample) {
            ObjectNode instance = instances.addObject();
            for (String feature : List.of("variance", "skewness", "curtosis", "entropy")) {
                instance.put(feature, row.getDouble(row.fieldIndex(feature)));
            }
        }
        JsonNode answers = JSON.readTree(server.post(
                        "api/predict",
                        JSON.writeValueAsString(JSON.createObjectNode().set("instances", instances))))
                .path("predictions");
        assertEquals(sample.size(), answers.size());
        for (int i = 0; i < sample.size(); i++) {
            Row answer = sample.get(i).getStruct(sample.get(i).fieldIndex("prediction"));
            JsonNode expected = answers.get(i);
            assertEquals(expected.path("label").asText(), answer.getString(0), "row " + i);
            // The probabilities: a struct of one double per class, named by its label, as the server's JSON object.
            Row probabilities = answer.getStruct(1);
            Row row = sample.get(i);
            assertEquals(expected.path("probabilities").size(), probabilities.size());
            expected.path("probabilities")
                    .fields()
                    .forEachRemaining(e -> assertEquals(
                            e.getValue().doubleValue(),
                            probabilities.getDouble(probabilities.fieldIndex(e.getKey())),
                            row + " " + e.getKey()));
        }

        // One ONNX Runtime session per executor JVM: each of the two executors loaded the model once, though each
        // scored several of the table's partitions.
        List<String> loads = new ArrayList<>();
        for (Path work : cluster.workDirs()) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path stderr : files.filter(f -> f.getFileName().toString().equals("stderr"))
                        .toList()) {
                    Files.readAllLines(stderr).stream()
                            .filter(l -> l.startsWith("tabserve-spark: loaded model"))
                            .forEach(loads::add);
                }
            }
        }
        assertEquals(2, loads.size(), loads.toString());
        // The executors had the connector, the model core and ONNX Runtime from the one jar alone (spark/job's
        // spark.jars, as spark-submit --jars gives it): the jars each fetched into its application's directory.
        for (Path work : cluster.workDirs()) {
            try (Stream<Path> files = Files.walk(work)) {
                assertEquals(
                        List.of("tabserve-spark-all.jar"),
                        files.map(f -> f.getFileName().toString())
                                .filter(n -> n.endsWith(".jar"))
                                .distinct()
                                .toList(),
                        work.toString());
            }
        }
        assertNotNull(loads.get(0));
        assertTrue(
                loads.stream()
                                .map(l -> l.substring(l.lastIndexOf(' ')))
                                .distinct()
                                .count()
                        == 2,
                loads.toString());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
