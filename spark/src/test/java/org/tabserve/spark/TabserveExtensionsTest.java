package org.tabserve.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The SQL extension as a user of SQL, PySpark or SparkR has it: a session given only Spark settings
 * ({@code spark.sql.extensions} and {@code spark.tabserve.model.NAME=PATH}), and SQL alone, through
 * {@code spark.sql}, the settings being docs/scale.md's as written (but for the models' paths): each named model is a function whose answers are the Transformer's for the same rows; a call
 * that cannot be scored fails at analysis, naming why; and a bad setting fails the session, naming the setting.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TabserveExtensionsTest {

    private static final Path FIXTURES = Path.of(System.getProperty("tabserve.fixtures"));
    private static final String MODEL = System.getProperty("tabserve.model");

    /** The one session of the settings that work, made after the bad settings' contexts were stopped. */
    private static SparkSession spark;

    private static SparkSession.Builder builder(String name, String path) {
        return SparkSession.builder()
                .appName("tabserve-extensions-test")
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.extensions", "org.tabserve.spark.TabserveExtensions")
                .config("spark.tabserve.model." + name, path);
    }

    /** docs/scale.md's settings, as a user writes them in spark-defaults.conf: its one {@code properties} block. */
    static Map<String, String> docSettings() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "scale.md"));
        int open = lines.indexOf("```properties");
        assertTrue(open > 0 && lines.lastIndexOf("```properties") == open, "docs/scale.md has one properties block");
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line :
                lines.subList(open + 1, lines.subList(open, lines.size()).indexOf("```") + open)) {
            String[] setting = line.strip().split("\\s+", 2);
            settings.put(setting[0], setting[1]);
        }
        return settings;
    }

    /**
     * The session of docs/scale.md's settings as written, but for the models' paths, which are the test's: the
     * bundled model for {@code /models/model.onnx}, the penguins' for {@code /models/penguins.onnx}.
     */
    private static SparkSession session() throws IOException {
        if (spark == null) {
            Map<String, String> paths = Map.of(
                    "/models/model.onnx",
                    MODEL,
                    "/models/penguins.onnx",
                    FIXTURES.resolve("penguins/kg-as-text.onnx").toString());
            SparkSession.Builder builder = SparkSession.builder()
                    .appName("tabserve-extensions-test")
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1");
            Map<String, String> settings = docSettings();
            assertEquals(
                    List.of("spark.sql.extensions", "spark.tabserve.model.banknote", "spark.tabserve.model.penguin"),
                    List.copyOf(settings.keySet()));
            settings.forEach((key, value) -> builder.config(key, paths.getOrDefault(value, value)));
            spark = builder.getOrCreate();
            spark.sql("CREATE TEMPORARY VIEW notes USING csv OPTIONS (path '" + System.getProperty("tabserve.data")
                    + "', header 'true', inferSchema 'true')");
        }
        return spark;
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    @Order(1)
    void aSettingThatNamesNoUsableModelFailsTheSessionNamingTheSetting() {
        failsNaming("banknote", "/no/such/dir/model.onnx", "spark.tabserve.model.banknote: cannot serve model");
        failsNaming("zero", "/dev/zero", "spark.tabserve.model.zero: cannot serve model /dev/zero");
        failsNaming("bank-note", MODEL, "spark.tabserve.model.bank-note: 'bank-note' is no function name");
        failsNaming("abs", MODEL, "spark.tabserve.model.abs: 'abs' is one of Spark's own functions");
    }

    private static void failsNaming(String name, String path, String expected) {
        try {
            Exception failed =
                    assertThrows(Exception.class, () -> builder(name, path).getOrCreate());
            assertTrue(String.valueOf(failed.getMessage()).startsWith(expected), failed.toString());
        } finally {
            // The session failed after its SparkContext started: stopped, so that the next builder makes its own.
            SparkContext.getOrCreate().stop();
        }
    }

    @Test
    @Order(2)
    void eachNamedModelIsAFunctionThatAnswersAsTheTransformer() throws IOException {
        List<Row> sql =
                session().sql("SELECT banknote(struct(*)) AS answer FROM notes").collectAsList();
        List<Row> transformed = new TabserveModel()
                .setModelPath(MODEL)
                .transform(session().table("notes"))
                .select("prediction")
                .collectAsList();
        assertEquals(1372, sql.size());
        for (int r = 0; r < sql.size(); r++) {
            Row answer = sql.get(r).getStruct(0);
            Row expected = transformed.get(r).getStruct(0);
            assertEquals(expected.getString(0), answer.getString(0), "row " + r);
            assertEquals(expected.getStruct(1), answer.getStruct(1), "row " + r);
            assertTrue(answer.isNullAt(2), "row " + r);
        }

        Row refused = session()
                .sql("SELECT banknote(named_struct('variance', CAST(NULL AS DOUBLE), 'skewness', 1.0D,"
                        + " 'curtosis', 1.0D, 'entropy', 1.0D)) AS answer")
                .first()
                .getStruct(0);
        assertTrue(refused.isNullAt(0), refused.toString());
        assertEquals(
                "missing value for 'variance'", refused.<Row>getList(2).get(0).getString(1));

        String label = session()
                .sql("SELECT penguin(named_struct('island', 'Biscoe', 'body_mass_kg', '5',"
                        + " 'flipper_length_mm', 217.0D)).label")
                .first()
                .getString(0);
        assertTrue(List.of("Adelie", "Chinstrap", "Gentoo").contains(label), label);
    }

    @Test
    @Order(3)
    void aCallThatCannotBeScoredFailsAtAnalysisNamingWhy() throws IOException {
        failsSaying("SELECT banknote(variance) FROM notes", "banknote takes a struct whose fields name");
        failsSaying("SELECT banknote(struct(*), 1) FROM notes", "banknote takes one argument");
        failsSaying(
                "SELECT banknote(struct(variance, skewness, entropy)) FROM notes",
                "banknote: the struct has no field 'curtosis'");
    }

    private static void failsSaying(String query, String expected) {
        Exception failed =
                assertThrows(Exception.class, () -> session().sql(query).collectAsList());
        assertTrue(String.valueOf(failed.getMessage()).contains(expected), failed.toString());
    }
}
