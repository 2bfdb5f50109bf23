package org.tabserve.web.v2;

import static org.tabserve.web.openapi.OpenApi.JSON;
import static org.tabserve.web.openapi.OpenApi.body;
import static org.tabserve.web.openapi.OpenApi.content;
import static org.tabserve.web.openapi.OpenApi.ok;
import static org.tabserve.web.openapi.OpenApi.operation;
import static org.tabserve.web.openapi.OpenApi.ref;
import static org.tabserve.web.openapi.OpenApi.responses;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ValueOutput;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.OpenApi;
import org.tabserve.web.openapi.OpenApiSection;

/**
 * The Open Inference Protocol's part of the OpenAPI document: the server's and the models' routes under {@code /v2},
 * inference with one tensor per model input, and the repository extension; its errors are {@link V2Json}'s
 * {@code {"error": "..."}}. The schemas are {@link V2Schemas}'.
 */
public final class V2OpenApi extends OpenApiSection {

    private static final String TAG = "Open Inference Protocol (v2)";

    @SuppressWarnings("rawtypes")
    private static final Schema STATS = new ObjectSchema()
            .addProperty("model_stats", new ArraySchema().items(ref("V2ModelStat")))
            .required(List.of("model_stats"));

    public V2OpenApi() {
        super(TAG, "KServe v2 / Open Inference Protocol over REST; errors are {\"error\": \"...\"}");
    }

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        paths.addPathItem(
                "/v2",
                new PathItem()
                        .get(operation(TAG, "v2ServerMetadata", "Server metadata", null)
                                .responses(
                                        responses(ok(JSON, ref("V2ServerMetadata"), "Name, version and extensions")))));
        paths.addPathItem(
                "/v2/health/live",
                new PathItem()
                        .get(operation(TAG, "v2Live", "Server live", null)
                                .responses(responses(ok(JSON, ref("V2Live"), "Live")))));
        paths.addPathItem(
                "/v2/health/ready",
                new PathItem()
                        .get(operation(TAG, "v2Ready", "Server ready", null)
                                .responses(responses(
                                        ok(JSON, ref("V2Ready"), "Ready"),
                                        Map.of(
                                                "503",
                                                new ApiResponse()
                                                        .description("No model is loaded")
                                                        .content(content(JSON, ref("V2Ready"))))))));
        for (boolean versioned : new boolean[] {false, true}) {
            String base = "/v2/models/{model_name}" + (versioned ? "/versions/{model_version}" : "");
            String suffix = versioned ? "Version" : "";
            paths.addPathItem(
                    base,
                    new PathItem()
                            .get(modelOperation(model, "v2ModelMetadata" + suffix, "Model metadata", versioned)
                                    .responses(responses(
                                            ok(
                                                    JSON,
                                                    ref("V2ModelMetadata"),
                                                    "Name, versions, platform, inputs and outputs"),
                                            errors(404, 503)))));
            paths.addPathItem(
                    base + "/ready",
                    new PathItem()
                            .get(modelOperation(model, "v2ModelReady" + suffix, "Model ready", versioned)
                                    .responses(responses(
                                            ok(JSON, ref("V2ModelReady"), "The model is ready"), errors(404, 503)))));
            paths.addPathItem(
                    base + "/infer",
                    new PathItem()
                            .post(modelOperation(model, "v2Infer" + suffix, "Inference", versioned)
                                    .description(inferText(model))
                                    .requestBody(body(JSON, ref("V2InferRequest")))
                                    .responses(responses(
                                            ok(JSON, ref("V2InferResponse"), "The requested outputs"),
                                            errors(400, 404, 413, 415, 503)))));
            paths.addPathItem(
                    base + "/stats",
                    new PathItem()
                            .get(modelOperation(
                                            model,
                                            "v2ModelStatistics" + suffix,
                                            "The statistics extension: rows scored, model calls, requests that scored and failed, live drift",
                                            versioned)
                                    .responses(responses(
                                            ok(JSON, STATS, "Every ready version's statistics"), errors(404, 503)))));
        }
        paths.addPathItem(
                "/v2/models/stats",
                new PathItem()
                        .get(operation(TAG, "v2Statistics", "The statistics of every ready model version", null)
                                .responses(responses(ok(JSON, STATS, "Every ready version's statistics")))));
        repositoryPaths(paths);
        V2Schemas.addTo(model, schemas);
    }

    /** The repository extension: the index of every model, loading and unloading one. */
    private static void repositoryPaths(Paths paths) {
        paths.addPathItem(
                "/v2/repository/index",
                new PathItem()
                        .post(operation(
                                        TAG,
                                        "v2RepositoryIndex",
                                        "The repository index: every model version and its state",
                                        "The body is {} or {\"ready\": true} (only the" + " ready ones).")
                                .requestBody(body(
                                        JSON,
                                        new ObjectSchema()
                                                .addProperty("ready", new BooleanSchema())
                                                .additionalProperties(false)))
                                .responses(responses(
                                        ok(JSON, new ArraySchema().items(ref("V2IndexEntry")), "The index"),
                                        errors(400)))));
        for (String action : List.of("load", "unload")) {
            paths.addPathItem(
                    "/v2/repository/models/{model_name}/" + action,
                    new PathItem()
                            .post(operation(
                                            TAG,
                                            "v2Repository" + Character.toUpperCase(action.charAt(0))
                                                    + action.substring(1),
                                            action.equals("load")
                                                    ? "Load (or reload) a model from the model directory (operators only)"
                                                    : "Unload a model: new requests get 404, requests in flight finish (operators only)",
                                            "Needs `Authorization: Bearer <admin token>`; off (404) without one.")
                                    .addParametersItem(OpenApi.modelName())
                                    .responses(responses(
                                            new ApiResponse().description("Done"), errors(401, 403, 404, 422)))));
        }
    }

    private static Map<String, ApiResponse> errors(int... statuses) {
        return OpenApi.errors(JSON, V2Schemas.ERROR, statuses);
    }

    /** An operation on one model, whose name defaults to the document's model. */
    private static Operation modelOperation(DescribedModel model, String id, String summary, boolean versioned) {
        Operation operation = operation(TAG, id, summary, null)
                .addParametersItem(new Parameter()
                        .in("path")
                        .name("model_name")
                        .required(true)
                        .description("a served model's name (GET /api/models lists them); this document's model is '"
                                + model.name() + "'")
                        .schema(new StringSchema()._default(model.name())));
        if (versioned) {
            operation.addParametersItem(new Parameter()
                    .in("path")
                    .name("model_version")
                    .required(true)
                    .description("a loaded version of the model, a whole number from 1")
                    .schema(new StringSchema().pattern("^[1-9][0-9]*$")));
        }
        return operation;
    }

    private static String inferText(DescribedModel model) {
        List<String> inputs = new ArrayList<>();
        for (ModelInput input : model.signature().inputs()) {
            inputs.add("'" + input.name() + "' (" + String.join("/", V2Values.datatypes(input.type()))
                    + ", shape "
                    + (input.width() == 1
                            ? "[N, 1] or [N]"
                            : "[N, " + input.width() + "], columns "
                                    + input.features().stream()
                                            .map(Feature::name)
                                            .toList())
                    + ")");
        }
        ValueOutput valueOutput = model.valueOutput();
        String outputs = valueOutput != null
                ? "'" + valueOutput.name() + "' (" + valueOutput.type().v2Name() + " [N, 1], the predicted values)"
                : "'" + V2Json.LABEL_OUTPUT + "' (BYTES [N]) and '" + V2Json.PROBABILITIES_OUTPUT + "' (FP32 [N, "
                        + model.signature().classLabels().size() + "], classes "
                        + model.signature().classLabels() + ")";
        return "One tensor per model input: " + String.join(", ", inputs) + "; data flat or nested in row-major "
                + "order; BYTES data are JSON strings, BOOL data JSON booleans, null a missing value where the feature "
                + "may be missing. A number input also takes the other numeric datatypes whose values are exactly of "
                + "its type. Outputs: " + outputs + ".";
    }
}
