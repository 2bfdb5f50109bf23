package org.tabserve.web.api;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.tags.Tag;
import org.tabserve.model.Batch;
import org.tabserve.model.Feature;
import org.tabserve.model.FeatureStats;
import org.tabserve.model.ModelCard;
import org.tabserve.model.ModelInput;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.Task;
import org.tabserve.model.ValueOutput;
import org.tabserve.model.ValueType;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.RouteTable;
import org.tabserve.web.mlflow.InvocationsHandler;
import org.tabserve.web.mlflow.MlflowRequestParser;
import org.tabserve.web.v2.V2InferRequestParser;
import org.tabserve.web.v2.V2Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3.0 document of every tabserve route for one served model, built from its signature and card, so that
 * its schemas carry the model's real features (each with its type, its known categories as an {@code enum} where the
 * model refuses others, {@code nullable} where it may be missing), its class labels or a regressor's answer, and one
 * v2 tensor per model input. The root document ({@code /openapi.json}) describes the default model on the root
 * routes; each model's own ({@code /models/{name}/openapi.json}) describes its routes under {@code /models/{name}}.
 * Both list the routes shared by every model (the index, the repository extension, health, metrics), so that every
 * model is reached from either without the document naming models that come and go.
 */
final class OpenApiDocument {

    private static final String JSON = "application/json";
    private static final String PROBLEM = "application/problem+json";
    private static final String REF = "#/components/schemas/";
    private static final String TAG_API = "tabserve API";
    private static final String TAG_FLASK = "Flask-compatible routes";
    private static final String TAG_ADMIN = "Administration";
    private static final String TAG_V2 = "Open Inference Protocol (v2)";
    private static final String TAG_MLFLOW = "MLflow scoring protocol";
    private static final String TAG_DOCS = "Documentation";
    private static final String TAG_OPS = "Operations";

    private final String name;
    private final String base;
    private final ModelSignature signature;
    private final ModelCard card;
    private final ValueOutput valueOutput;
    private final String serverVersion;

    private OpenApiDocument(String name, String base, ModelSignature signature, ModelCard card,
                            ValueOutput valueOutput, String serverVersion) {
        this.name = name;
        this.base = base;
        this.signature = signature;
        this.card = card;
        this.valueOutput = valueOutput;
        this.serverVersion = serverVersion;
    }

    /**
     * Builds the document for a model and writes it as JSON or YAML.
     *
     * @param name        the model's name in the repository
     * @param base        where its routes are: {@code ""} for the root routes (the default model), or
     *                    {@code /models/{name}}
     * @param valueOutput a regressor's output as the graph names it (its v2 output); null for a classifier
     * @return the document in UTF-8, written straight to bytes (no String copy of a large card's text on the way)
     */
    static byte[] write(String name, String base, ModelSignature signature, ModelCard card, ValueOutput valueOutput,
                        String serverVersion, boolean yaml) {
        OpenAPI api = new OpenApiDocument(name, base, signature, card, valueOutput, serverVersion).build();
        // swagger-core's mappers are static in this web app; by default their buffers go to thread-locals of the
        // deploying thread, which outlives the web app and would keep its class loader alive after an undeploy.
        io.swagger.v3.core.util.Json.mapper().getFactory().setRecyclerPool(JsonRecyclerPools.nonRecyclingPool());
        io.swagger.v3.core.util.Yaml.mapper().getFactory().setRecyclerPool(JsonRecyclerPools.nonRecyclingPool());
        try {
            return yaml ? io.swagger.v3.core.util.Yaml.pretty().writeValueAsBytes(api)
                    : io.swagger.v3.core.util.Json.pretty().writeValueAsBytes(api);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the OpenAPI document", e);
        }
    }

    OpenAPI build() {
        Paths paths = new Paths();
        paths.addPathItem(base + "/api/predict", new PathItem().post(operation(TAG_API, "predict",
                "Predict one row, or a batch of rows (one model call)",
                "One object of the model's features by name, or {\"instances\": [...]} whose items are such objects"
                        + (signature.inputs().size() == 1 ? " or arrays of " + signature.featureCount()
                        + " values in the model's feature order " + signature.featureNames() : "") + ". "
                        + answerText())
                .requestBody(body(JSON, ref("PredictRequest")))
                .responses(responses(ok(JSON, ref("PredictResponse"), "The prediction, or {\"predictions\": [...]} for a batch"),
                        problems(400, 413, 415, 503)))));
        paths.addPathItem(base + "/api/model", new PathItem().get(operation(TAG_API, "model",
                "The served model's signature and card", null)
                .responses(responses(ok(JSON, ref("ModelDescription"), "Signature and card"), problems(503)))));
        paths.addPathItem("/health/live", new PathItem().get(operation(TAG_API, "live", "Liveness: the process answers", null)
                .responses(responses(ok(JSON, ref("Live"), "Alive")))));
        paths.addPathItem("/health/ready", new PathItem().get(operation(TAG_API, "ready",
                "Readiness: a model is loaded and warmed up", null)
                .responses(responses(ok(JSON, ref("Ready"), "Ready"), problems(503)))));
        Operation query = operation(TAG_FLASK, "predictQuery", "Predict one row given as query parameters",
                "The original Flask app's route; every feature is a query parameter.");
        for (Feature feature : signature.features()) {
            query.addParametersItem(new Parameter().in("query").name(feature.name()).required(true)
                    .allowEmptyValue(feature.missingAllowed() ? Boolean.TRUE : null)
                    .description(featureDescription(feature)).schema(featureSchema(feature)));
        }
        paths.addPathItem(base + "/predict", new PathItem().get(query
                .responses(responses(ok(JSON, ref("Prediction"), "The prediction"), problems(400, 503))))
                .post(operation(TAG_FLASK, "predictPost", "Predict from a JSON body, as POST /api/predict does",
                        "The tutorials' clients post the features as one JSON object to /predict; the body and the "
                                + "answer are those of /api/predict (a url-encoded form is read as the query is).")
                        .requestBody(body(JSON, ref("PredictRequest")))
                        .responses(responses(ok(JSON, ref("PredictResponse"),
                                "The prediction, or {\"predictions\": [...]} for a batch"), problems(400, 413, 415, 503)))));
        paths.addPathItem(base + "/predict_file", new PathItem().post(operation(TAG_FLASK, "predictFile",
                "Predict every row of a CSV upload",
                "A multipart field `file` with a CSV: a header row naming the columns (the features "
                        + signature.featureNames() + " in any order; other columns are carried through to the CSV "
                        + "answer), then data rows. Answers JSON, or CSV with `Accept: text/csv` or `?format=csv`, or "
                        + "for browsers (`Accept: text/html` or `?format=html`) a page with the first rows and the "
                        + "full result as a CSV download.")
                .addParametersItem(new Parameter().in("query").name("format").required(false)
                        .description("the answer's format when the Accept header cannot say it (HTML forms)")
                        .schema(new StringSchema()._enum(List.of("json", "csv", "html"))))
                .requestBody(new RequestBody().required(true).content(new Content().addMediaType("multipart/form-data",
                        new MediaType().schema(new ObjectSchema().addProperty("file",
                                        new StringSchema().format("binary").description("the CSV file"))
                                .addRequiredItem("file")))))
                .responses(responses(new ApiResponse().description("One prediction per data row").content(new Content()
                                .addMediaType(JSON, new MediaType().schema(ref("Predictions")))
                                .addMediaType("text/csv", new MediaType().schema(new StringSchema().description(
                                        signature.task() == Task.REGRESSION ? "the input columns, then value"
                                                : "the input columns, then label and one probability_<class> column per class")))
                                .addMediaType("text/html", new MediaType().schema(new StringSchema().description(
                                        "a page showing the first rows, with the full CSV to download")))),
                        problems(400, 413, 415, 503)))));
        v2Paths(paths);
        mlflowPaths(paths);
        paths.addPathItem(base + "/openapi.json", new PathItem().get(operation(TAG_DOCS, "openapiJson", "This document, in JSON", null)
                .responses(responses(ok(JSON, new ObjectSchema(), "The OpenAPI document"), problems(503)))));
        paths.addPathItem(base + "/openapi.yaml", new PathItem().get(operation(TAG_DOCS, "openapiYaml", "This document, in YAML", null)
                .responses(responses(ok("application/yaml", new StringSchema(), "The OpenAPI document"), problems(503)))));
        paths.addPathItem("/admin/model", new PathItem().post(operation(TAG_ADMIN, "swapModel",
                "Swap the served model (operators only)",
                "The body is the new ONNX file. It is loaded, warmed up and checked to take the same features and give "
                        + "the same classes, in the same order, as the served model; then it is swapped in atomically "
                        + "(requests in flight finish on the old one). Off (404) unless the server has an admin token "
                        + "(tabserve.admin-token); then it needs `Authorization: Bearer <token>`.")
                .requestBody(body("application/octet-stream", new StringSchema().format("binary")))
                .responses(responses(ok(JSON, ref("ModelSwapped"), "The new model serves"),
                        problems(401, 403, 404, 413, 415, 422, 503)))));
        repositoryPaths(paths);
        paths.addPathItem("/metrics", new PathItem().get(operation(TAG_OPS, "metrics",
                "Metrics for Prometheus to scrape",
                "Prometheus text format, every tabserve series labelled by model: tabserve_http_requests_total and "
                        + "tabserve_http_request_duration_seconds (by route and status), tabserve_predictions_total (by "
                        + "class), tabserve_rows_scored_total, tabserve_model_load_seconds, tabserve_model_info (name, "
                        + "version, sha256) and the JVM's metrics.")
                .responses(responses(ok("text/plain", new StringSchema(), "The metrics")))));
        paths.addPathItem("/apidocs", new PathItem().get(operation(TAG_DOCS, "apidocs", "Swagger UI for this document", null)
                .responses(responses(ok("text/html", new StringSchema(), "The Swagger UI page")))));

        return new OpenAPI()
                .openapi("3.0.3")
                .info(new Info().title("tabserve: " + card.name()).version(serverVersion)
                        .description((base.isEmpty() ? "Predictions from the default model, '" + name
                                + "', on the root routes (each served model has its own document at "
                                + "/models/{name}/openapi.json; GET /api/models lists them): "
                                : "Predictions from model '" + name + "' on its routes under " + base + ": ")
                                + card.name()
                                + (card.version().isEmpty() ? "" : " version " + card.version())
                                + (card.description().isEmpty() ? "" : ": " + card.description().replaceAll("\\.$", ""))
                                + ". Features, in the model's order: " + featuresText() + "; "
                                + (signature.task() == Task.REGRESSION ? "it predicts a number (regression)"
                                : "classes: " + classesText()) + "."))
                .tags(List.of(new Tag().name(TAG_API), new Tag().name(TAG_FLASK),
                        new Tag().name(TAG_V2).description("KServe v2 / Open Inference Protocol over REST; errors are {\"error\": \"...\"}"),
                        new Tag().name(TAG_MLFLOW).description("The routes of `mlflow models serve`, for MLflow clients"),
                        new Tag().name(TAG_DOCS), new Tag().name(TAG_OPS), new Tag().name(TAG_ADMIN)))
                .paths(paths)
                .components(new Components().schemas(schemas()));
    }

    /** The routes of many models: the index, each model's own document, the repository extension, installing. */
    private void repositoryPaths(Paths paths) {
        paths.addPathItem(ModelIndexHandler.API_PATH, new PathItem().get(operation(TAG_API, "models",
                "Every served model version with its state, task, inputs and routes", null)
                .responses(responses(ok(JSON, ref("ModelIndex"), "The models")))));
        paths.addPathItem(RouteTable.MODELS + "/{model_name}/openapi.json", new PathItem().get(
                operation(TAG_DOCS, "modelOpenapiJson", "A model's own document: its routes under /models/{name}",
                        null)
                        .addParametersItem(modelName())
                        .responses(responses(ok(JSON, new ObjectSchema(), "The model's OpenAPI document"),
                                problems(404, 503)))));
        paths.addPathItem("/v2/repository/index", new PathItem().post(operation(TAG_V2, "v2RepositoryIndex",
                "The repository index: every model version and its state", "The body is {} or {\"ready\": true} (only the"
                        + " ready ones).")
                .requestBody(body(JSON, new ObjectSchema().addProperty("ready", new BooleanSchema())
                        .additionalProperties(false)))
                .responses(responses(ok(JSON, new ArraySchema().items(ref("V2IndexEntry")), "The index"),
                        v2Errors(400)))));
        for (String action : List.of("load", "unload")) {
            paths.addPathItem("/v2/repository/models/{model_name}/" + action, new PathItem().post(operation(TAG_V2,
                    "v2Repository" + Character.toUpperCase(action.charAt(0)) + action.substring(1),
                    action.equals("load") ? "Load (or reload) a model from the model directory (operators only)"
                            : "Unload a model: new requests get 404, requests in flight finish (operators only)",
                    "Needs `Authorization: Bearer <admin token>`; off (404) without one.")
                    .addParametersItem(modelName())
                    .responses(responses(new ApiResponse().description("Done"),
                            v2Errors(401, 403, 404, 422)))));
        }
        paths.addPathItem(AdminModelHandler.MODELS_PATH + "/{model_name}", new PathItem().put(operation(TAG_ADMIN,
                "installModel", "Install a model by name into the model directory and serve it (operators only)",
                "The body is the ONNX file. It is written into the --models directory (so that it survives a restart), "
                        + "where that name is served from (a new version in Triton's layout, the model's file in "
                        + "KServe's, else <name>.onnx), never outside the directory (409 otherwise), loaded and served. Needs "
                        + "`Authorization: Bearer <token>`; off (404) without an admin token.")
                .addParametersItem(modelName())
                .requestBody(body("application/octet-stream", new StringSchema().format("binary")))
                .responses(responses(ok(JSON, ref("ModelInstalled"), "The model serves"),
                        problems(400, 401, 403, 404, 409, 413, 415, 422)))));
    }

    private Parameter modelName() {
        return new Parameter().in("path").name("model_name").required(true)
                .description("a served model's name (GET /api/models lists them)")
                .schema(new StringSchema().pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"));
    }

    private void v2Paths(Paths paths) {
        paths.addPathItem("/v2", new PathItem().get(operation(TAG_V2, "v2ServerMetadata", "Server metadata", null)
                .responses(responses(ok(JSON, ref("V2ServerMetadata"), "Name, version and extensions")))));
        paths.addPathItem("/v2/health/live", new PathItem().get(operation(TAG_V2, "v2Live", "Server live", null)
                .responses(responses(ok(JSON, ref("V2Live"), "Live")))));
        paths.addPathItem("/v2/health/ready", new PathItem().get(operation(TAG_V2, "v2Ready", "Server ready", null)
                .responses(responses(ok(JSON, ref("V2Ready"), "Ready"),
                        Map.of("503", new ApiResponse().description("No model is loaded")
                                .content(content(JSON, ref("V2Ready"))))))));
        for (boolean versioned : new boolean[] {false, true}) {
            String base = "/v2/models/{model_name}" + (versioned ? "/versions/{model_version}" : "");
            String suffix = versioned ? "Version" : "";
            paths.addPathItem(base, new PathItem().get(v2Operation("v2ModelMetadata" + suffix, "Model metadata", versioned)
                    .responses(responses(ok(JSON, ref("V2ModelMetadata"), "Name, versions, platform, inputs and outputs"),
                            v2Errors(404, 503)))));
            paths.addPathItem(base + "/ready", new PathItem().get(v2Operation("v2ModelReady" + suffix, "Model ready", versioned)
                    .responses(responses(ok(JSON, ref("V2ModelReady"), "The model is ready"), v2Errors(404, 503)))));
            paths.addPathItem(base + "/infer", new PathItem().post(v2Operation("v2Infer" + suffix, "Inference", versioned)
                    .description(v2InferText())
                    .requestBody(body(JSON, ref("V2InferRequest")))
                    .responses(responses(ok(JSON, ref("V2InferResponse"), "The requested outputs"),
                            v2Errors(400, 404, 413, 415, 503)))));
        }
    }

    private void mlflowPaths(Paths paths) {
        paths.addPathItem(base + InvocationsHandler.PATH, new PathItem().post(operation(TAG_MLFLOW, "mlflowInvocations",
                "Predict a batch in MLflow's scoring format (one model call)",
                "JSON with exactly one of dataframe_split, dataframe_records, instances or inputs (and optionally "
                        + "params, accepted and not used), or a pandas-style CSV with a header (an unnamed first index "
                        + "column, as DataFrame.to_csv() writes it, is allowed). Columns by name: the model takes "
                        + signature.featureNames() + "; other columns are ignored. Rows as arrays hold the values in "
                        + "that order. The answer is the predicted labels (values for a regressor), as MLflow "
                        + "answers for a scikit-learn model; for probabilities and warnings use /api/predict.")
                .requestBody(new RequestBody().required(true).content(new Content()
                        .addMediaType(JSON, new MediaType().schema(ref("MlflowRequest")))
                        .addMediaType(org.tabserve.web.http.MediaType.CSV, new MediaType().schema(new StringSchema().description(
                                "a header row naming the columns, then one line per row")))))
                .responses(responses(ok(JSON, ref("MlflowPredictions"), "One predicted label per row, in order"),
                        problems(400, 413, 415, 503)))));
        paths.addPathItem(org.tabserve.web.mlflow.MlflowPingHandler.PING, new PathItem().get(operation(TAG_MLFLOW, "mlflowPing",
                "Health check: 200 once the model is loaded", "The body is a single line break, as MLflow's.")
                .responses(responses(ok("text/plain", new StringSchema(), "The model is loaded"), problems(503)))));
        paths.addPathItem(org.tabserve.web.mlflow.MlflowPingHandler.VERSION, new PathItem().get(operation(TAG_MLFLOW, "mlflowVersion",
                "The server's version (tabserve's, where MLflow's server says MLflow's)", null)
                .responses(responses(ok("text/plain", new StringSchema(), "The version")))));
    }

    private void mlflowSchemas(Map<String, Schema> schemas) {
        ObjectSchema record = new ObjectSchema();
        record.description("One row: the model's features by name; other columns are ignored");
        ObjectSchema columns = new ObjectSchema();
        columns.description("Columns: the model's features by name, each an array with one value per row, all of one "
                + "length; other columns are ignored");
        for (Feature feature : signature.features()) {
            record.addProperty(feature.name(), featureSchema(feature));
            record.addRequiredItem(feature.name());
            columns.addProperty(feature.name(), new ArraySchema().items(featureSchema(feature)));
            columns.addRequiredItem(feature.name());
        }
        schemas.put("MlflowRecord", record);
        schemas.put("MlflowColumns", columns);
        schemas.put("MlflowDataframeSplit", new ObjectSchema().description("pandas' split orientation")
                .addProperty("columns", new ArraySchema().items(new StringSchema()).description("the column names"))
                .addProperty("data", new ArraySchema().items(new ArraySchema().items(new Schema<>()))
                        .description("one array per row, its values in the order of columns"))
                .addProperty("index", new ArraySchema().items(new Schema<>()).description("row labels; not used"))
                .required(List.of("columns", "data")).additionalProperties(false));
        schemas.put("MlflowTensorInput", oneOf(new ArraySchema().items(oneOf(ref("MlflowRecord"), ref("FeatureRow"))),
                ref("MlflowColumns")));
        Schema<?> params = new ObjectSchema().nullable(true).description("MLflow's inference parameters; accepted, not used");
        schemas.put("MlflowRequest", oneOf(
                mlflowFormat(MlflowRequestParser.DATAFRAME_SPLIT, ref("MlflowDataframeSplit"), params),
                mlflowFormat(MlflowRequestParser.DATAFRAME_RECORDS, new ArraySchema().items(ref("MlflowRecord"))
                        .description("pandas' records orientation"), params),
                mlflowFormat(MlflowRequestParser.INSTANCES, ref("MlflowTensorInput"), params),
                mlflowFormat(MlflowRequestParser.INPUTS, ref("MlflowTensorInput"), params)));
        schemas.put("MlflowPredictions", new ObjectSchema()
                .addProperty("predictions", signature.task() == Task.REGRESSION
                        ? new ArraySchema().items(new NumberSchema()).description("the predicted value of each row")
                        : new ArraySchema().items(new StringSchema()._enum(signature.classLabels()))
                        .description("the predicted class label of each row"))
                .addRequiredItem("predictions").additionalProperties(false));
    }

    private static Schema<?> mlflowFormat(String key, Schema<?> value, Schema<?> params) {
        return new ObjectSchema().addProperty(key, value).addProperty(MlflowRequestParser.PARAMS, params)
                .addRequiredItem(key).additionalProperties(false);
    }

    private Operation v2Operation(String id, String summary, boolean versioned) {
        Operation operation = operation(TAG_V2, id, summary, null)
                .addParametersItem(new Parameter().in("path").name("model_name").required(true)
                        .description("a served model's name (GET /api/models lists them); this document's model is '"
                                + name + "'")
                        .schema(new StringSchema()._default(name)));
        if (versioned) {
            operation.addParametersItem(new Parameter().in("path").name("model_version").required(true)
                    .description("a loaded version of the model, a whole number from 1")
                    .schema(new StringSchema().pattern("^[1-9][0-9]*$")));
        }
        return operation;
    }

    private Map<String, Schema> schemas() {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        ObjectSchema features = new ObjectSchema();
        features.description("One row: every feature of the model by name, nothing else"
                + (signature.features().stream().anyMatch(Feature::missingAllowed)
                ? "; null for a missing value where the feature may be missing" : ""));
        for (Feature feature : signature.features()) {
            features.addProperty(feature.name(), featureSchema(feature).description(featureDescription(feature)));
            features.addRequiredItem(feature.name());
        }
        features.additionalProperties(false);
        schemas.put("Features", features);
        schemas.put("ModelIndex", new ObjectSchema().addProperty("models", new ArraySchema().items(new ObjectSchema()
                        .addProperty("name", new StringSchema()).addProperty("version", new StringSchema())
                        .addProperty("state", new StringSchema()._enum(List.of("READY", "LOADING", "UNAVAILABLE",
                                "UNLOADING")))
                        .addProperty("reason", new StringSchema()).addProperty("task", new StringSchema())
                        .addProperty("inputs", new ArraySchema().items(new StringSchema()))
                        .addProperty("form", new StringSchema()).addProperty("card", new StringSchema())
                        .required(List.of("name", "version", "state")))).addRequiredItem("models"));
        schemas.put("V2IndexEntry", new ObjectSchema().addProperty("name", new StringSchema())
                .addProperty("version", new StringSchema()).addProperty("state", new StringSchema())
                .addProperty("reason", new StringSchema()).required(List.of("name", "version", "state")));
        schemas.put("ModelInstalled", new ObjectSchema()
                .addProperty("status", new StringSchema()._enum(List.of("installed")))
                .addProperty("name", new StringSchema()).addProperty("version", new StringSchema())
                .addProperty("state", new StringSchema()).required(List.of("status", "name", "version", "state")));
        schemas.put("ModelSwapped", new ObjectSchema()
                .addProperty("status", new StringSchema()._enum(List.of("swapped")))
                .addProperty("model", new StringSchema())
                .addProperty("version", new StringSchema())
                .addProperty("sha256", new StringSchema())
                .addProperty("previous_sha256", new StringSchema().nullable(true))
                .required(List.of("status", "model", "sha256")));
        // Arrays of values in the model's feature order are taken for every model (input by input, column by column);
        // OpenAPI 3.0 has no tuples, so a row of mixed types is described, not typed position by position.
        Schema<?> cell = signature.numbersOnly() ? new NumberSchema().format("double")
                : new Schema<>().nullable(true).description("a value of the feature at this position");
        schemas.put("FeatureRow", new ArraySchema().items(cell)
                .minItems(signature.featureCount()).maxItems(signature.featureCount())
                .description("One row as values in the model's feature order: " + featuresText()));
        Schema<?> instance = oneOf(ref("Features"), ref("FeatureRow"));
        schemas.put("Instances", new ObjectSchema()
                .addProperty("instances", new ArraySchema().minItems(1).items(instance))
                .addRequiredItem("instances").additionalProperties(false));
        schemas.put("PredictRequest", oneOf(ref("Features"), ref("Instances")));

        Schema<?> warnings = new ArraySchema().items(ref("RangeWarning")).description("values outside the range the "
                + "model saw in training and categories it has not seen (empty when none): treat the answer with care");
        if (signature.task() == Task.REGRESSION) {
            schemas.put("Prediction", new ObjectSchema()
                    .addProperty("value", new NumberSchema().format("double").description("the predicted number"))
                    .addProperty("warnings", warnings)
                    .required(List.of("value", "warnings")).additionalProperties(false));
        } else {
            ObjectSchema probabilities = new ObjectSchema();
            probabilities.description("The probability of every class, by class label");
            for (String label : signature.classLabels()) {
                probabilities.addProperty(label, new NumberSchema().format("double").minimum(java.math.BigDecimal.ZERO)
                        .maximum(java.math.BigDecimal.ONE).description("probability of class " + label + " ("
                                + card.displayName(label) + ")"));
                probabilities.addRequiredItem(label);
            }
            probabilities.additionalProperties(false);
            schemas.put("Probabilities", probabilities);
            schemas.put("Prediction", new ObjectSchema()
                    .addProperty("label", new StringSchema()._enum(signature.classLabels()).description("the predicted class"))
                    .addProperty("display_name", new StringSchema().description("the class's name for people: " + classesText()))
                    .addProperty("probabilities", ref("Probabilities"))
                    .addProperty("warnings", warnings)
                    .required(List.of("label", "display_name", "probabilities", "warnings")).additionalProperties(false));
        }
        schemas.put("RangeWarning", new ObjectSchema()
                .addProperty("feature", new StringSchema()._enum(signature.featureNames()).description("the feature"))
                .addProperty("message", new StringSchema().description(
                        "e.g. \"the model has not seen a variance this high; treat the answer with care\""))
                .required(List.of("feature", "message")).additionalProperties(false));
        schemas.put("Predictions", new ObjectSchema()
                .addProperty("predictions", new ArraySchema().items(ref("Prediction")))
                .addRequiredItem("predictions").additionalProperties(false));
        schemas.put("PredictResponse", oneOf(ref("Prediction"), ref("Predictions")));

        schemas.put("FeatureDescription", new ObjectSchema()
                .addProperty("name", new StringSchema()._enum(signature.featureNames()))
                .addProperty("type", new StringSchema()._enum(TYPE_NAMES))
                .addProperty("input", new StringSchema().description("the graph input that carries it"))
                .addProperty("missing_allowed", new BooleanSchema().description("whether null (an empty cell or field) "
                        + "is taken, as NaN"))
                .addProperty("categories", new ArraySchema().items(new StringSchema())
                        .description("the values the model knows (text and integer features with an encoder)"))
                .addProperty("unknown_categories", new StringSchema()._enum(List.of("warning", "refused"))
                        .description("what a value outside categories gets"))
                .addProperty("min", new NumberSchema()).addProperty("max", new NumberSchema())
                .addProperty("mean", new NumberSchema())
                .addProperty("category_counts", new ObjectSchema().description("a text feature's values in the card's "
                        + "data and how often each occurred, per class (a regressor's: its one series)")
                        .additionalProperties(new ObjectSchema().additionalProperties(new IntegerSchema())))
                .required(List.of("name", "type", "input", "missing_allowed")));
        schemas.put("ModelDescription", new ObjectSchema()
                .addProperty("name", new StringSchema()).addProperty("version", new StringSchema().nullable(true).description("null for a model without a version"))
                .addProperty("description", new StringSchema()).addProperty("producer", new StringSchema())
                .addProperty("sha256", new StringSchema())
                .addProperty("task", new StringSchema()._enum(List.of("classification", "regression")))
                .addProperty("inputs", new ArraySchema().items(new ObjectSchema()
                        .addProperty("name", new StringSchema()._enum(signature.inputs().stream().map(ModelInput::name).toList()))
                        .addProperty("type", new StringSchema()._enum(TYPE_NAMES))
                        .addProperty("datatype", new StringSchema().description("its Open Inference Protocol datatype"))
                        .addProperty("shape", new ArraySchema().items(new IntegerSchema().format("int64"))
                                .description("-1 for the rows, then the columns"))
                        .addProperty("features", new ArraySchema().items(new StringSchema()))
                        .required(List.of("name", "type", "datatype", "shape", "features"))))
                .addProperty("features", new ArraySchema().items(ref("FeatureDescription"))
                        .description("every feature, in the model's order (the order of a row given as an array)"))
                .addProperty("input", new ObjectSchema().description("a model of one input: that input and its features")
                        .addProperty("name", new StringSchema())
                        .addProperty("features", new ArraySchema().items(ref("FeatureDescription")))
                        .required(List.of("name", "features")))
                .addProperty("classes", new ArraySchema().description("a classifier's classes; empty for a regressor")
                        .items(new ObjectSchema()
                        .addProperty("label", new StringSchema()._enum(signature.classLabels().isEmpty() ? null
                                : signature.classLabels()))
                        .addProperty("display_name", new StringSchema()).required(List.of("label", "display_name"))))
                .addProperty("class_display_note", new StringSchema())
                .addProperty("output_kind", new StringSchema())
                .addProperty("metrics", new ObjectSchema().description("as the card holds them: a classifier's "
                        + "accuracy, per_class, confusion_matrix and for two classes roc and calibration; a regressor's "
                        + "mae, rmse and r2"))
                .addProperty("data", new ObjectSchema())
                .addProperty("trainer", new ObjectSchema())
                .required(List.of("name", "version", "sha256", "task", "inputs", "features", "classes")));
        schemas.put("Live", new ObjectSchema().addProperty("status", new StringSchema()._enum(List.of("live")))
                .addRequiredItem("status"));
        schemas.put("Ready", new ObjectSchema().addProperty("status", new StringSchema()._enum(List.of("ready")))
                .addProperty("model", new StringSchema()).addProperty("sha256", new StringSchema())
                .required(List.of("status", "model", "sha256")));
        schemas.put("FieldProblem", new ObjectSchema()
                .addProperty("field", new StringSchema().description("the feature, parameter or CSV column"))
                .addProperty("message", new StringSchema())
                .addProperty("row", new IntegerSchema().description("batch instance (from 0) or CSV data row (from 1)"))
                .required(List.of("field", "message")));
        schemas.put("Problem", new ObjectSchema().description("RFC 9457 problem details")
                .addProperty("type", new StringSchema()).addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema()).addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("errors", new ArraySchema().items(ref("FieldProblem")))
                .required(List.of("type", "title", "status", "detail")));
        v2Schemas(schemas);
        mlflowSchemas(schemas);
        return schemas;
    }

    /** The names /api/model gives the value types. */
    private static final List<String> TYPE_NAMES = java.util.Arrays.stream(ValueType.values())
            .map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).toList();

    private void v2Schemas(Map<String, Schema> schemas) {
        schemas.put("V2Error", new ObjectSchema().addProperty("error", new StringSchema()).addRequiredItem("error"));
        schemas.put("V2ServerMetadata", new ObjectSchema().addProperty("name", new StringSchema())
                .addProperty("version", new StringSchema())
                .addProperty("extensions", new ArraySchema().items(new StringSchema()))
                .required(List.of("name", "version", "extensions")));
        schemas.put("V2Live", new ObjectSchema().addProperty("live", new BooleanSchema()).addRequiredItem("live"));
        schemas.put("V2Ready", new ObjectSchema().addProperty("ready", new BooleanSchema()).addRequiredItem("ready"));
        schemas.put("V2ModelReady", new ObjectSchema().addProperty("name", new StringSchema())
                .addProperty("ready", new BooleanSchema()).required(List.of("name", "ready")));
        schemas.put("V2TensorMetadata", new ObjectSchema().addProperty("name", new StringSchema())
                .addProperty("datatype", new StringSchema())
                .addProperty("shape", new ArraySchema().items(new IntegerSchema().format("int64").minimum(java.math.BigDecimal.ONE.negate())))
                .required(List.of("name", "datatype", "shape")));
        schemas.put("V2ModelMetadata", new ObjectSchema().addProperty("name", new StringSchema())
                .addProperty("versions", new ArraySchema().items(new StringSchema()))
                .addProperty("platform", new StringSchema())
                .addProperty("inputs", new ArraySchema().items(ref("V2TensorMetadata")))
                .addProperty("outputs", new ArraySchema().items(ref("V2TensorMetadata")))
                .required(List.of("name", "platform", "inputs", "outputs")));
        Schema<?> parameters = new ObjectSchema().description("key/value parameters; accepted and ignored");
        // Tensor data by element kind: flat, or nested as the shape says, row-major (a schema may refer to itself).
        schemas.put("V2TensorData", tensorData("V2TensorData", new NumberSchema()));
        schemas.put("V2NullableTensorData", tensorData("V2NullableTensorData", new NumberSchema().nullable(true)
                .description("null for a missing value")));
        schemas.put("V2IntegerTensorData", tensorData("V2IntegerTensorData", new IntegerSchema().format("int64")));
        schemas.put("V2BytesTensorData", tensorData("V2BytesTensorData", new StringSchema()));
        schemas.put("V2BoolTensorData", tensorData("V2BoolTensorData", new BooleanSchema()));
        List<Schema> inputs = new ArrayList<>();
        for (ModelInput input : signature.inputs()) {
            inputs.add(v2Input(input, parameters));
        }
        schemas.put("V2RequestInput", inputs.size() == 1 ? inputs.get(0) : new ComposedSchema().oneOf(inputs));
        List<String> outputs = valueOutput != null ? List.of(valueOutput.name()) : V2InferRequestParser.CLASSIFIER_OUTPUTS;
        schemas.put("V2RequestOutput", new ObjectSchema()
                .addProperty("name", new StringSchema()._enum(outputs))
                .addProperty("parameters", parameters).addRequiredItem("name"));
        ObjectSchema request = new ObjectSchema();
        request.addProperty("id", new StringSchema())
                .addProperty("parameters", parameters)
                .addProperty("inputs", new ArraySchema().minItems(signature.inputs().size())
                        .maxItems(signature.inputs().size()).items(ref("V2RequestInput"))
                        .description("one tensor per model input: " + signature.inputs().stream().map(ModelInput::name).toList()))
                .addProperty("outputs", new ArraySchema().items(ref("V2RequestOutput")))
                .addRequiredItem("inputs");
        request.example(exampleRequest());
        schemas.put("V2InferRequest", request);
        Schema<?> responseOutput;
        if (valueOutput != null) {
            schemas.put("V2ValueOutput", new ObjectSchema()
                    .addProperty("name", new StringSchema()._enum(List.of(valueOutput.name())))
                    .addProperty("datatype", new StringSchema()._enum(List.of(valueOutput.type().v2Name())))
                    .addProperty("shape", new ArraySchema().items(new IntegerSchema().format("int64")).minItems(2).maxItems(2)
                            .description("[N, 1]"))
                    // No format: the request validator's float check refuses small numbers written in full.
                    .addProperty("data", new ArraySchema().items(new NumberSchema()))
                    .required(List.of("name", "datatype", "shape", "data")));
            responseOutput = ref("V2ValueOutput");
        } else {
            schemas.put("V2LabelOutput", new ObjectSchema()
                    .addProperty("name", new StringSchema()._enum(List.of(V2Json.LABEL_OUTPUT)))
                    .addProperty("datatype", new StringSchema()._enum(List.of("BYTES")))
                    .addProperty("shape", new ArraySchema().items(new IntegerSchema().format("int64")).minItems(1).maxItems(1))
                    .addProperty("data", new ArraySchema().items(new StringSchema()._enum(signature.classLabels())))
                    .required(List.of("name", "datatype", "shape", "data")));
            schemas.put("V2ProbabilitiesOutput", new ObjectSchema()
                    .addProperty("name", new StringSchema()._enum(List.of(V2Json.PROBABILITIES_OUTPUT)))
                    .addProperty("datatype", new StringSchema()._enum(List.of("FP32")))
                    .addProperty("shape", new ArraySchema().items(new IntegerSchema().format("int64")).minItems(2).maxItems(2))
                    // No format: the request validator's float check refuses small numbers such as 0.00040395252.
                    .addProperty("data", new ArraySchema().items(new NumberSchema()
                            .minimum(java.math.BigDecimal.ZERO).maximum(java.math.BigDecimal.ONE)))
                    .required(List.of("name", "datatype", "shape", "data")));
            responseOutput = oneOf(ref("V2LabelOutput"), ref("V2ProbabilitiesOutput"));
        }
        schemas.put("V2InferResponse", new ObjectSchema()
                .addProperty("model_name", new StringSchema())
                .addProperty("model_version", new StringSchema())
                .addProperty("id", new StringSchema())
                .addProperty("parameters", new ObjectSchema())
                .addProperty("outputs", new ArraySchema().items(responseOutput))
                .required(List.of("model_name", "outputs")));
    }

    private static Schema<?> tensorData(String name, Schema<?> element) {
        return new ArraySchema().description("values flat, or nested as the shape says, row-major")
                .items(oneOf(element, ref(name)));
    }

    /** One model input's tensor: its name, the shapes and datatypes it takes, and data of its element kind. */
    private static Schema<?> v2Input(ModelInput input, Schema<?> parameters) {
        String data = switch (input.type()) {
            case FLOAT, DOUBLE -> input.features().stream().anyMatch(Feature::missingAllowed) ? "V2NullableTensorData"
                    : "V2TensorData";
            case INT64, INT32 -> "V2IntegerTensorData";
            case STRING -> "V2BytesTensorData";
            case BOOL -> "V2BoolTensorData";
        };
        boolean column = input.width() == 1;
        return new ObjectSchema()
                .description("input '" + input.name() + "': " + input.type().v2Name() + ", shape "
                        + (column ? "[N, 1] or [N]" : "[N, " + input.width() + "], columns "
                        + input.features().stream().map(Feature::name).toList()))
                .addProperty("name", new StringSchema()._enum(List.of(input.name())))
                .addProperty("shape", new ArraySchema().items(new IntegerSchema().format("int64").minimum(java.math.BigDecimal.ZERO))
                        .minItems(column ? 1 : 2).maxItems(2)
                        .description(column ? "[N, 1] or [N]" : "[N, " + input.width() + "]"))
                .addProperty("datatype", new StringSchema()._enum(V2InferRequestParser.datatypes(input.type())))
                .addProperty("parameters", parameters)
                .addProperty("data", ref(data))
                .required(List.of("name", "shape", "datatype", "data"));
    }

    /** A request that Swagger UI's "Try it out" can send as it is: one row of training means and known categories. */
    private Map<String, Object> exampleRequest() {
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (ModelInput input : signature.inputs()) {
            List<Object> row = new ArrayList<>();
            for (Feature feature : input.features()) {
                row.add(example(feature));
            }
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("name", input.name());
            tensor.put("shape", input.rank() == 1 ? List.of(1) : List.of(1, input.width()));
            tensor.put("datatype", input.type().v2Name());
            tensor.put("data", row);
            inputs.add(tensor);
        }
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("id", "42");
        example.put("inputs", inputs);
        return example;
    }

    /** A valid value of a feature: its training mean, its first known category, else zero, "" or false. */
    private Object example(Feature feature) {
        FeatureStats stats = card.featureStats().get(feature.name());
        return switch (feature.type()) {
            case FLOAT -> stats == null ? 0.0 : (double) (float) stats.mean();
            case DOUBLE -> stats == null ? 0.0 : stats.mean();
            case INT64, INT32 -> feature.categories().isEmpty() ? 0L : Long.parseLong(feature.categories().get(0));
            case STRING -> feature.categories().isEmpty() ? "" : feature.categories().get(0);
            case BOOL -> Boolean.FALSE;
        };
    }

    /**
     * A feature's JSON type: number, integer, string (with an {@code enum} of its known categories where the model
     * refuses others) or boolean, {@code nullable} where it may be missing.
     */
    private Schema<?> featureSchema(Feature feature) {
        Schema<?> schema = switch (feature.type()) {
            case FLOAT -> new NumberSchema().format("float");
            case DOUBLE -> new NumberSchema().format("double");
            case INT64 -> integers(new IntegerSchema().format("int64"), feature);
            case INT32 -> integers(new IntegerSchema().format("int32"), feature);
            case STRING -> {
                StringSchema text = new StringSchema();
                text.maxLength(Batch.MAX_TEXT_LENGTH);
                if (feature.refusesUnknown() && !feature.categories().isEmpty()) {
                    text._enum(feature.categories());
                }
                yield text;
            }
            case BOOL -> new BooleanSchema();
        };
        Object example = example(feature);
        if (feature.type().isNumber() && card.featureStats().get(feature.name()) != null || !feature.categories().isEmpty()) {
            schema.example(example);
        }
        if (feature.missingAllowed()) {
            schema.nullable(true);
        }
        return schema;
    }

    private static Schema<?> integers(IntegerSchema schema, Feature feature) {
        if (feature.refusesUnknown() && !feature.categories().isEmpty()) {
            schema._enum(feature.categories().stream().map(c -> (Number) Long.parseLong(c)).toList());
        }
        return schema;
    }

    private String featureDescription(Feature feature) {
        StringBuilder text = new StringBuilder("feature ").append(feature.name()).append(" (")
                .append(feature.type().name().toLowerCase(java.util.Locale.ROOT));
        FeatureStats stats = card.featureStats().get(feature.name());
        if (stats != null) {
            text.append("; training range ").append(stats.min()).append(" to ").append(stats.max())
                    .append(", mean ").append(stats.mean());
        }
        if (!feature.categories().isEmpty()) {
            text.append(feature.refusesUnknown() ? "; one of " : "; known values ")
                    .append(String.join(", ", feature.categories()))
                    .append(feature.refusesUnknown() ? "" : " (others are taken with a warning)");
        }
        if (feature.missingAllowed()) {
            text.append("; may be missing (null)");
        }
        return text.append(')').toString();
    }

    private String featuresText() {
        return String.join(", ", signature.features().stream()
                .map(f -> f.name() + " (" + f.type().name().toLowerCase(java.util.Locale.ROOT) + ")").toList());
    }

    private String answerText() {
        return signature.task() == Task.REGRESSION ? "A regressor: each answer is {\"value\", \"warnings\"}."
                : "Each answer is the label, its display name, every class's probability and warnings.";
    }

    private String v2InferText() {
        List<String> inputs = new ArrayList<>();
        for (ModelInput input : signature.inputs()) {
            inputs.add("'" + input.name() + "' (" + String.join("/", V2InferRequestParser.datatypes(input.type()))
                    + ", shape " + (input.width() == 1 ? "[N, 1] or [N]" : "[N, " + input.width() + "], columns "
                    + input.features().stream().map(Feature::name).toList()) + ")");
        }
        String outputs = valueOutput != null ? "'" + valueOutput.name() + "' (" + valueOutput.type().v2Name()
                + " [N, 1], the predicted values)"
                : "'" + V2Json.LABEL_OUTPUT + "' (BYTES [N]) and '" + V2Json.PROBABILITIES_OUTPUT + "' (FP32 [N, "
                + signature.classLabels().size() + "], classes " + signature.classLabels() + ")";
        return "One tensor per model input: " + String.join(", ", inputs) + "; data flat or nested in row-major "
                + "order; BYTES data are JSON strings, BOOL data JSON booleans, null a missing value where the feature "
                + "may be missing. A number input also takes the other numeric datatypes whose values are exactly of "
                + "its type. Outputs: " + outputs + ".";
    }

    private String classesText() {
        List<String> classes = new ArrayList<>();
        for (String label : signature.classLabels()) {
            classes.add(label.equals(card.displayName(label)) ? label : label + " = " + card.displayName(label));
        }
        return String.join(", ", classes);
    }

    private static Operation operation(String tag, String id, String summary, String description) {
        return new Operation().addTagsItem(tag).operationId(id).summary(summary).description(description);
    }

    private static Schema<?> ref(String name) {
        return new Schema<>().$ref(REF + name);
    }

    private static Schema<?> oneOf(Schema<?>... choices) {
        return new ComposedSchema().oneOf(List.of(choices));
    }

    private static Content content(String mediaType, Schema<?> schema) {
        return new Content().addMediaType(mediaType, new MediaType().schema(schema));
    }

    private static RequestBody body(String mediaType, Schema<?> schema) {
        return new RequestBody().required(true).content(content(mediaType, schema));
    }

    private static Map<String, ApiResponse> ok(String mediaType, Schema<?> schema, String description) {
        return Map.of("200", new ApiResponse().description(description).content(content(mediaType, schema)));
    }

    private static Map<String, ApiResponse> ok(ApiResponse response) {
        return Map.of("200", response);
    }

    @SafeVarargs
    private static ApiResponses responses(Map<String, ApiResponse>... groups) {
        ApiResponses responses = new ApiResponses();
        for (Map<String, ApiResponse> group : groups) {
            group.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> responses.addApiResponse(e.getKey(), e.getValue()));
        }
        return responses;
    }

    private static ApiResponses responses(ApiResponse ok, Map<String, ApiResponse> errors) {
        return responses(ok(ok), errors);
    }

    private static Map<String, ApiResponse> problems(int... statuses) {
        Map<String, ApiResponse> responses = new LinkedHashMap<>();
        for (int status : statuses) {
            responses.put(String.valueOf(status), new ApiResponse().description(describe(status))
                    .content(content(PROBLEM, ref("Problem"))));
        }
        return responses;
    }

    private static Map<String, ApiResponse> v2Errors(int... statuses) {
        Map<String, ApiResponse> responses = new LinkedHashMap<>();
        for (int status : statuses) {
            responses.put(String.valueOf(status), new ApiResponse().description(describe(status))
                    .content(content(JSON, ref("V2Error"))));
        }
        return responses;
    }

    private static String describe(int status) {
        return switch (status) {
            case 400 -> "Invalid input; every bad field is listed";
            case 401 -> "No bearer token (WWW-Authenticate says which scheme)";
            case 403 -> "Wrong admin token";
            case 404 -> "Unknown model or version, or (for /admin/model) the route is off";
            case 422 -> "The new model was refused (unreadable, failed its warm-up, or incompatible); the old one still serves";
            case 413 -> "The body or batch is larger than the server's limits";
            case 415 -> "Wrong Content-Type";
            case 503 -> "No model is loaded, or the server is already serving as many requests as it serves at once "
                    + "(tabserve.max-concurrent-requests); Retry-After says when to try again";
            default -> "Error " + status;
        };
    }
}
