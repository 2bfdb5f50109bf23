package org.tabserve.spark;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.tabserve.model.Feature;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * The check of a scored table against the server: a sample of its scored rows is sent to a running tabserve's
 * {@code POST /api/predict} (with the coverage and explanations asked of the job), and every answer must be the
 * server's to every digit (label, probabilities, value, prediction set or interval, novelty, explanation); the job
 * fails naming the rows that differ.
 */
public final class CompareWithServer {

    static final String USAGE = "usage: CompareWithServer --model FILE --scored PARQUET --server URL [--master URL]"
            + " [--sample N] [--coverage C] [--explain]";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The most rows one request explains. */
    private static final int REQUEST_ROWS = 100;

    private CompareWithServer() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        ScoreParquet.JobOptions options =
                ScoreParquet.JobOptions.parse(args, USAGE, List.of("--model", "--scored", "--server"));
        int sample = options.has("--sample") ? Integer.parseInt(options.value("--sample")) : 1000;
        byte[] bytes = OnnxModelLoader.bytes(Path.of(options.path("--model"))); // checked as the server checks it
        Model model = ModelCache.model(ModelCache.sha256(bytes), () -> bytes);
        StringBuilder query = new StringBuilder("?on_error=row");
        if (options.has("--coverage")) {
            query.append("&coverage=").append(options.value("--coverage"));
        }
        if (options.has("--explain")) {
            query.append("&explain=true");
        }
        URI predict = URI.create(options.value("--server").replaceAll("/$", "") + "/api/predict" + query);
        SparkSession spark = options.session("tabserve-compare");
        try {
            Dataset<Row> scored = spark.read()
                    .parquet(options.path("--scored"))
                    .where(col("errors").isNull());
            long kept = scored.count();
            List<Row> rows = scored.sample(false, Math.min(1.0, 2.0 * sample / Math.max(1, kept)), 49)
                    .limit(sample)
                    .collectAsList();
            HttpClient http = HttpClient.newHttpClient();
            List<String> differences = new ArrayList<>();
            for (int from = 0; from < rows.size(); from += REQUEST_ROWS) {
                List<Row> some = rows.subList(from, Math.min(rows.size(), from + REQUEST_ROWS));
                JsonNode answers =
                        post(http, predict, instances(model.signature().features(), some));
                for (int r = 0; r < some.size(); r++) {
                    Row row = some.get(r);
                    String difference =
                            AnswerDifference.of(row.getStruct(row.fieldIndex("prediction")), answers.get(r));
                    if (difference != null && differences.size() < 10) {
                        differences.add("row " + row + ": " + difference);
                    } else if (difference != null) {
                        differences.add("...");
                    }
                }
            }
            System.out.println("tabserve-spark: compared " + rows.size() + " of " + kept + " scored rows with "
                    + predict + ": " + differences.size() + " differ");
            if (!differences.isEmpty()) {
                throw new IllegalStateException("answers differ from the server's: " + differences);
            }
        } finally {
            spark.stop();
        }
    }

    /** The rows as the body of {@code /api/predict}: each cell as JSON writes its type (a float as its text). */
    private static ObjectNode instances(List<Feature> features, List<Row> rows) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode instances = body.putArray("instances");
        for (Row row : rows) {
            ObjectNode instance = instances.addObject();
            for (Feature feature : features) {
                Object cell = row.get(row.fieldIndex(feature.name()));
                if (cell == null) {
                    instance.putNull(feature.name());
                } else if (cell instanceof Float f) {
                    instance.put(feature.name(), new BigDecimal(Float.toString(f)));
                } else if (cell instanceof Double d) {
                    instance.put(feature.name(), d);
                } else if (cell instanceof Number n) {
                    instance.put(feature.name(), n.longValue());
                } else if (cell instanceof Boolean b) {
                    instance.put(feature.name(), b);
                } else {
                    instance.put(feature.name(), cell.toString());
                }
            }
        }
        return body;
    }

    private static JsonNode post(HttpClient http, URI uri, ObjectNode body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("predictions");
    }
}
