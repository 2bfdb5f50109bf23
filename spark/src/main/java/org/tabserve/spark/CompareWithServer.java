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
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.Feature;

/**
 * The check of a scored table against the server: a sample of its scored rows is sent to a running tabserve's
 * {@code POST /api/predict} (with the coverage and explanations asked of the job), and every answer must be the
 * server's to every digit (label, probabilities, value, prediction set or interval, novelty, explanation); each row
 * that differs is told on one short line and the job fails, as it does when it compared no row. Requests the server
 * refuses as too large for the asked work (413: explanations of many trees) are sent again in halves. With no
 * {@code --master} and no spark-submit, it runs in this JVM ({@code local[*]}).
 */
public final class CompareWithServer {

    static final String USAGE = "usage: CompareWithServer --model FILE --scored PARQUET --server URL [--master URL]"
            + " [--sample N] [--coverage C] [--explain]";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The most rows one request sends: fewer when the server answers 413 for the asked work. */
    private static final int REQUEST_ROWS = 100;

    /** The most characters a line about a row or a server's answer takes. */
    private static final int SHORT = 160;

    private CompareWithServer() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        ScoreParquet.JobOptions options =
                ScoreParquet.JobOptions.parse(args, USAGE, List.of("--model", "--scored", "--server"));
        int sample = options.has("--sample") ? Integer.parseInt(options.value("--sample")) : 1000;
        Path file = Path.of(options.path("--model"));
        byte[] bytes = ModelLoader.bytes(file); // checked as the server checks it
        Model model = ModelCache.model(ModelCache.sha256(bytes), String.valueOf(file.getFileName()), () -> bytes);
        StringBuilder query = new StringBuilder("?on_error=row");
        if (options.has("--coverage")) {
            query.append("&coverage=").append(options.value("--coverage"));
        }
        if (options.has("--explain")) {
            query.append("&explain=true");
        }
        URI predict = URI.create(options.value("--server").replaceAll("/$", "") + "/api/predict" + query);
        SparkSession spark = options.session("tabserve-compare", "local[*]");
        try {
            Dataset<Row> table = spark.read().parquet(options.path("--scored"));
            Dataset<Row> scored = table.where(col("errors").isNull());
            long kept = scored.count();
            if (kept == 0) {
                throw new IllegalStateException("compared no row: " + options.value("--scored") + " has "
                        + table.count() + " rows and none was answered (each has its errors in the column 'errors');"
                        + " nothing was checked against the server");
            }
            List<Row> rows = scored.sample(false, Math.min(1.0, 2.0 * sample / Math.max(1, kept)), 49)
                    .limit(sample)
                    .collectAsList();
            if (rows.isEmpty()) {
                throw new IllegalStateException("compared no row: the sample of " + kept + " answered rows is empty");
            }
            HttpClient http = HttpClient.newHttpClient();
            int differ = 0;
            int size = REQUEST_ROWS;
            for (int from = 0; from < rows.size(); ) {
                List<Row> some = rows.subList(from, Math.min(rows.size(), from + size));
                HttpResponse<String> response =
                        post(http, predict, instances(model.signature().features(), some));
                if (response.statusCode() == 413 && some.size() > 1) {
                    // Past a limit the server states for the asked work (explanations' model rows, a batch's rows):
                    // the same rows in smaller requests, never a difference.
                    size = Math.max(1, some.size() / 2);
                    continue;
                }
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(
                            predict + " answered " + response.statusCode() + ": " + shortened(response.body()));
                }
                JsonNode answers = JSON.readTree(response.body()).path("predictions");
                for (int r = 0; r < some.size(); r++) {
                    Row row = some.get(r);
                    String difference =
                            AnswerDifference.of(row.getStruct(row.fieldIndex("prediction")), answers.get(r));
                    if (difference != null) {
                        differ++;
                        System.out.println("tabserve-spark: differs: "
                                + inputs(model.signature().features(), row) + ": " + shortened(difference));
                    }
                }
                from += some.size();
            }
            System.out.println("tabserve-spark: compared " + rows.size() + " of " + kept + " scored rows with "
                    + predict + " (" + size + " rows a request): " + differ + " differ");
            if (differ > 0) {
                throw new IllegalStateException(
                        differ + " of " + rows.size() + " answers differ from the server's (each told above)");
            }
        } finally {
            spark.stop();
        }
    }

    /** A row's inputs, each {@code name=value}, shortened: which row differs, on one short line. */
    static String inputs(List<Feature> features, Row row) {
        StringBuilder said = new StringBuilder();
        for (Feature feature : features) {
            said.append(said.isEmpty() ? "" : " ")
                    .append(feature.name())
                    .append('=')
                    .append(row.get(row.fieldIndex(feature.name())));
        }
        return shortened(said.toString());
    }

    /** At most {@link #SHORT} characters of {@code text}, on one line. */
    static String shortened(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= SHORT ? line : line.substring(0, SHORT) + "…";
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

    private static HttpResponse<String> post(HttpClient http, URI uri, ObjectNode body)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
