package org.tabserve.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import inference.InferParameter;
import inference.ModelInferRequest;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tabserve.cli.FixtureCards;
import org.tabserve.web.v2.grpc.OpenInferenceGrpcTest;

/**
 * Explanations that take seconds of CPU, for the tests that cancel them (issue 34): the 10-column fixture model
 * {@code wide-10} carded by the real {@code card} command (100 background rows, so each explained row is explained
 * exactly, by every coalition, at {@link #ROW_COST} model rows), requests asking to explain its rows over REST and
 * gRPC, and the explanation metrics that show whether the work stopped. The model is linear, which tabserve explains
 * exactly from its weights in one model row per explained row: the servers of these tests turn that off
 * ({@link #BY_COALITIONS}), so that each row costs its coalitions' work as any model without such structure does. (A
 * model of more columns is sampled at a fixed 2,049 model rows a row, too cheap to need cancelling.)
 */
public final class CostlyExplanations {

    /** Model rows that explaining one row costs: (2^10 &minus; 2) coalitions &times; 100 background rows, + 1. */
    public static final long ROW_COST = ((1 << 10) - 2) * 100L + 1;
    /**
     * The rows that fit the default {@code tabserve.max-explain-model-rows} (4,000,000): 3.7 M model rows with the
     * background's answers (100 rows, in the version's first explanation only: its explainer is kept).
     */
    public static final int ROWS_UNDER_DEFAULT_LIMIT = 36;
    /** The fewest rows past that limit: 4.09 M model rows. */
    public static final int ROWS_OVER_DEFAULT_LIMIT = 40;
    /** The model's columns, {@code f0} to {@code f9}. */
    public static final int COLUMNS = 10;

    /** The setting, as an environment variable, that explains every model by coalitions of rows. */
    public static final Map<String, String> BY_COALITIONS = Map.of("TABSERVE_EXPLAIN_STRUCTURE", "false");

    private static final Path FIXTURE = Path.of("src/test/resources/org/tabserve/fixtures/wide");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private CostlyExplanations() {}

    /** Cards the 10-column fixture with its labelled data into {@code out}, a model that explains its answers. */
    public static Path card(Path out) throws IOException {
        return FixtureCards.card(
                FIXTURE.resolve("wide-10.onnx"), FIXTURE.resolve("wide-10.labelled.csv"), "label", out);
    }

    /** One row's features by name, {@code f0} to {@code f9}, varying with {@code row}. */
    public static Map<String, Object> row(int row) {
        Map<String, Object> features = new LinkedHashMap<>();
        for (int f = 0; f < COLUMNS; f++) {
            features.put("f" + f, 40 + (row * 7 + f) % 30);
        }
        return features;
    }

    /** {@code POST /api/predict}'s body asking to explain {@code rows} rows. */
    public static String json(int rows) {
        List<Map<String, Object>> instances = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            instances.add(row(r));
        }
        try {
            return new ObjectMapper().writeValueAsString(Map.of("explain", true, "instances", instances));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ModelInfer asking model {@code model} to explain {@code rows} rows (its input {@code input}, FP32). */
    public static ModelInferRequest grpc(String model, int rows) {
        List<Object> data = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            data.addAll(row(r).values());
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put(
                "inputs",
                List.of(Map.of("name", "input", "shape", List.of(rows, COLUMNS), "datatype", "FP32", "data", data)));
        return OpenInferenceGrpcTest.grpcRequest(model, request, false).toBuilder()
                .putParameters(
                        "explain",
                        InferParameter.newBuilder().setBoolParam(true).build())
                .build();
    }

    /** The value of one sample of {@code server}'s {@code /metrics}, 0 when it has none yet. */
    public static double metric(RunningServer server, String sample) throws IOException, InterruptedException {
        return metrics(server)
                .lines()
                .filter(l -> l.startsWith(sample + " "))
                .findFirst()
                .map(l -> Double.parseDouble(l.substring(sample.length() + 1)))
                .orElse(0.0);
    }

    /**
     * {@code tabserve_http_requests_total} of the gRPC calls to {@code rpc} of the inference service that the server
     * has ended (answered, refused, or cancelled by their client), each sample by its labels: the server counts a
     * call once, when it ends, whether or not its message was read.
     */
    public static Map<String, Double> grpcCallsEnded(RunningServer server, String rpc)
            throws IOException, InterruptedException {
        String route = "route=\"/inference.GRPCInferenceService/" + rpc + "\"";
        Map<String, Double> calls = new LinkedHashMap<>();
        for (String line : metrics(server).lines().toList()) {
            if (line.startsWith("tabserve_http_requests_total{")
                    && line.contains(route)
                    && line.contains("protocol=\"grpc\"")) {
                int end = line.lastIndexOf(' ');
                calls.put(
                        line.substring("tabserve_http_requests_total".length(), end),
                        Double.parseDouble(line.substring(end + 1)));
            }
        }
        return calls;
    }

    /** {@code tabserve_explanations_total} of one outcome (explained, cancelled, busy, over_limit). */
    public static double explanations(RunningServer server, String outcome) throws IOException, InterruptedException {
        return metric(server, "tabserve_explanations_total{outcome=\"" + outcome + "\"}");
    }

    private static String metrics(RunningServer server) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(server.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** {@code tabserve_explanation_model_rows_total}: model rows evaluated to explain answers. */
    public static double modelRows(RunningServer server) throws IOException, InterruptedException {
        return metric(server, "tabserve_explanation_model_rows_total");
    }

    /** Polls until {@code condition} holds, failing after a minute (a bound for a stuck server, not a timing). */
    public static void await(Callable<Boolean> condition, String what) throws Exception {
        Await.until(what, condition);
    }
}
