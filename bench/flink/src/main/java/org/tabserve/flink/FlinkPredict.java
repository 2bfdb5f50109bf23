package org.tabserve.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Flink SQL's {@code ML_PREDICT} through Flink's Triton model provider (the Open Inference Protocol over REST) against
 * a running tabserve, in a Flink mini-cluster in this JVM: the rows of a fixture's recorded answers (iris, one FP32
 * input {@code [N, 4]}) are scored, one HTTP call per record, once for the label ({@code STRING}) and once for the
 * probabilities ({@code ARRAY<FLOAT>}), and every answer is compared with the one scikit-learn recorded.
 *
 * <p>Arguments: {@code ENDPOINT MODEL-NAME MODEL-VERSION EXPECTED-JSON [PROVIDER]}, the provider {@code triton}
 * (Flink's, the default) or {@code triton-checked} ({@link CheckedTritonFactory}); exits 1 when an answer differs.
 */
public final class FlinkPredict {

    private static final List<String> COLUMNS = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String modelName = args[1];
        String modelVersion = args[2];
        JsonNode expected =
                new ObjectMapper().readTree(Path.of(args[3]).toFile()).get("rows");

        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        List<Row> rows = new ArrayList<>();
        for (JsonNode row : expected) {
            Float[] features = new Float[COLUMNS.size()];
            for (int i = 0; i < features.length; i++) {
                features[i] = (float) row.get("inputs").get(COLUMNS.get(i)).asDouble();
            }
            rows.add(Row.of(row.get("row").asInt(), features));
        }
        Table iris = sql.fromValues(
                DataTypes.ROW(
                        DataTypes.FIELD("id", DataTypes.INT()),
                        DataTypes.FIELD("float_input", DataTypes.ARRAY(DataTypes.FLOAT()))),
                rows);
        sql.createTemporaryView("iris", iris);
        String provider = args.length > 4 ? args[4] : "triton";
        String with = "WITH ('provider' = '" + provider + "', 'endpoint' = '" + endpoint + "', 'model-name' = '"
                + modelName + "', 'model-version' = '" + modelVersion + "')";
        sql.executeSql("CREATE MODEL iris_label INPUT (float_input ARRAY<FLOAT>) OUTPUT (label STRING) " + with);
        sql.executeSql(
                "CREATE MODEL iris_probabilities INPUT (float_input ARRAY<FLOAT>) OUTPUT (probabilities ARRAY<FLOAT>) "
                        + with);

        Map<Integer, JsonNode> byId = new HashMap<>();
        expected.forEach(row -> byId.put(row.get("row").asInt(), row));
        int differ = 0;
        long start = System.nanoTime();
        Map<Integer, String> labels = collect(sql.executeSql(
                "SELECT id, label FROM ML_PREDICT(TABLE iris, MODEL iris_label, DESCRIPTOR(float_input))"));
        long labelNanos = System.nanoTime() - start;
        for (Map.Entry<Integer, JsonNode> row : byId.entrySet()) {
            String want = row.getValue().get("label").asText();
            String got = labels.get(row.getKey());
            if (!want.equals(got)) {
                differ++;
                System.out.println("row " + row.getKey() + ": label " + got + ", scikit-learn's " + want);
            }
        }
        Map<Integer, Object> probabilities = collectObjects(
                sql.executeSql(
                        "SELECT id, probabilities FROM ML_PREDICT(TABLE iris, MODEL iris_probabilities, DESCRIPTOR(float_input))"));
        double worst = 0;
        for (Map.Entry<Integer, JsonNode> row : byId.entrySet()) {
            Float[] got = (Float[]) probabilities.get(row.getKey());
            JsonNode want = row.getValue().get("probabilities");
            if (got == null || got.length != want.size()) {
                differ++;
                System.out.println("row " + row.getKey() + ": probabilities " + java.util.Arrays.toString(got));
                continue;
            }
            for (int c = 0; c < got.length; c++) {
                double gap = Math.abs(got[c] - want.get(Integer.toString(c)).asDouble());
                worst = Math.max(worst, gap);
                if (gap > 1e-5) {
                    differ++;
                    System.out.println("row " + row.getKey() + " class " + c + ": " + got[c] + ", scikit-learn's "
                            + want.get(Integer.toString(c)));
                }
            }
        }
        System.out.printf(
                "ML_PREDICT (%s) over %s: %d labels and %d probability rows for %d records (labels in %.1f s), "
                        + "%d differ from scikit-learn's; probabilities within %.2e%n",
                provider, endpoint, labels.size(), probabilities.size(), byId.size(), labelNanos / 1e9, differ, worst);
        System.exit(differ == 0 && labels.size() == byId.size() && probabilities.size() == byId.size() ? 0 : 1);
    }

    private static Map<Integer, String> collect(TableResult result) throws Exception {
        Map<Integer, String> answers = new HashMap<>();
        collectObjects(result).forEach((id, value) -> answers.put(id, String.valueOf(value)));
        return answers;
    }

    private static Map<Integer, Object> collectObjects(TableResult result) throws Exception {
        Map<Integer, Object> answers = new HashMap<>();
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                Object previous = answers.put((Integer) row.getField(0), row.getField(1));
                if (previous != null) {
                    throw new IllegalStateException("record " + row.getField(0) + " answered twice");
                }
            }
        }
        return answers;
    }
}
