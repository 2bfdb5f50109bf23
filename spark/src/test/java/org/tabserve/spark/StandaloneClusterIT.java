package org.tabserve.spark;

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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.Type;
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
 * job's own summary, which it reads back in Spark from the table it wrote, says as many rows in, answered and refused;
 * the test reads the table with Parquet's own reader (no Spark in the test's JVM: a local Spark there cost 20 s of CPU,
 * Parquet's reader 2 s). The test runs the page's commands with {@code --master} on a free port
 * ({@code SPARK_MASTER_PORT}) and its paths under target/, after the root build did what the page's first line does
 * (its SparkConnectorIT packages and verifies spark/ on the root's model core in a reactor, installing nothing in a
 * local repository that others may share, where the page's line installs it):
 *
 * <pre>
 * mvn -B install -DskipTests
 * mvn -B -f spark/pom.xml package -DskipTests
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
    private static final List<String> FEATURES = List.of("variance", "skewness", "curtosis", "entropy");

    private static Path dir;
    private static StandaloneCluster cluster;
    private static TabserveWar server;

    @BeforeAll
    static void start() throws Exception {
        dir = Path.of("target/cluster-it").toAbsolutePath();
        deleteTree(dir);
        // The server first: its first start of a new WAR unpacks it, and beside the cluster's three JVMs starting on
        // the same two cores that once took 165 s (the wait is 180 s).
        server = TabserveWar.start(Path.of(System.getProperty("tabserve.war")));
        cluster = StandaloneCluster.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
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
        // The job's summary, read back in Spark from the table it wrote.
        assertTrue(
                said.contains(String.format(
                        Locale.ROOT,
                        "tabserve-spark: %,d rows in, %,d answered, 3 refused; the first reasons: variance: missing value"
                                + " for 'variance'%n",
                        ROWS,
                        ROWS - 3)),
                said);

        // The written table, read here with Parquet's own reader, in the order of the ids.
        List<Scored> scored = read(output);
        assertEquals(ROWS, scored.size());
        List<Scored> refused = scored.stream().filter(r -> r.errors() != null).toList();
        assertEquals(3, refused.size(), refused.toString());
        for (Scored row : refused) {
            assertNull(row.label(), row.toString());
            assertNull(row.probabilities(), row.toString());
            assertEquals("variance", row.errors().get(0).get(0));
            assertEquals("missing value for 'variance'", row.errors().get(0).get(1));
        }
        assertEquals(ROWS - 3, scored.stream().filter(r -> r.label() != null).count());

        // The first 200 answered rows of distinct features.
        Set<List<Double>> features = new HashSet<>();
        List<Scored> sample = scored.stream()
                .filter(r -> r.errors() == null && features.add(r.features()))
                .limit(200)
                .toList();
        assertEquals(200, sample.size());
        ArrayNode instances = JSON.createArrayNode();
        for (Scored row : sample) {
            ObjectNode instance = instances.addObject();
            for (int f = 0; f < FEATURES.size(); f++) {
                instance.put(FEATURES.get(f), row.features().get(f));
            }
        }
        JsonNode answers = JSON.readTree(server.post(
                        "api/predict",
                        JSON.writeValueAsString(JSON.createObjectNode().set("instances", instances))))
                .path("predictions");
        assertEquals(sample.size(), answers.size());
        for (int i = 0; i < sample.size(); i++) {
            Scored row = sample.get(i);
            JsonNode expected = answers.get(i);
            assertEquals(expected.path("label").asText(), row.label(), "row " + i);
            // The probabilities: a struct of one double per class, named by its label, as the server's JSON object.
            Map<String, Double> probabilities = row.probabilities();
            assertEquals(expected.path("probabilities").size(), probabilities.size());
            expected.path("probabilities")
                    .fields()
                    .forEachRemaining(e -> assertEquals(
                            e.getValue().doubleValue(),
                            probabilities.getOrDefault(e.getKey(), Double.NaN),
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

    /**
     * A row of the scored table.
     *
     * @param id            the row's {@code id}
     * @param features      the bank note's four features, a missing one null
     * @param label         {@code prediction.label}, or null when the row has no answer
     * @param probabilities {@code prediction.probabilities}, each class's field by its name, or null without an answer
     * @param errors        each error's {@code field} and {@code message}, or null when the row has no errors
     */
    private record Scored(
            long id,
            List<Double> features,
            String label,
            Map<String, Double> probabilities,
            List<List<String>> errors) {}

    /** @return the rows of the Parquet table (a directory of Spark's part files) {@code table}, by id */
    private static List<Scored> read(Path table) throws IOException {
        List<Path> parts;
        try (Stream<Path> files = Files.list(table)) {
            parts = files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .sorted()
                    .toList();
        }
        assertTrue(!parts.isEmpty(), "no part file in " + table);
        List<Scored> rows = new ArrayList<>();
        for (Path part : parts) {
            try (ParquetReader<Group> reader =
                    new ParquetReader.Builder<Group>(new LocalInputFile(part), new PlainParquetConfiguration()) {
                        @Override
                        protected ReadSupport<Group> getReadSupport() {
                            return new GroupReadSupport();
                        }
                    }.build()) {
                for (Group row = reader.read(); row != null; row = reader.read()) {
                    rows.add(scored(row));
                }
            }
        }
        rows.sort(Comparator.comparingLong(Scored::id));
        return rows;
    }

    private static Scored scored(Group row) {
        List<Double> features = new ArrayList<>();
        for (String feature : FEATURES) {
            features.add(row.getFieldRepetitionCount(feature) == 0 ? null : row.getDouble(feature, 0));
        }
        String label = null;
        Map<String, Double> probabilities = null;
        if (row.getFieldRepetitionCount("prediction") > 0) {
            Group prediction = row.getGroup("prediction", 0);
            label = prediction.getFieldRepetitionCount("label") == 0 ? null : prediction.getString("label", 0);
            Group classes = prediction.getGroup("probabilities", 0);
            probabilities = new LinkedHashMap<>();
            for (Type field : classes.getType().getFields()) {
                probabilities.put(field.getName(), classes.getDouble(field.getName(), 0));
            }
        }
        List<List<String>> errors = null;
        if (row.getFieldRepetitionCount("errors") > 0) {
            // Spark's list: a group of repeated "list" groups, each with its "element"
            Group list = row.getGroup("errors", 0);
            errors = new ArrayList<>();
            for (int e = 0; e < list.getFieldRepetitionCount("list"); e++) {
                Group error = list.getGroup("list", e).getGroup("element", 0);
                errors.add(List.of(error.getString("field", 0), error.getString("message", 0)));
            }
        }
        return new Scored(row.getLong("id", 0), features, label, probabilities, errors);
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
