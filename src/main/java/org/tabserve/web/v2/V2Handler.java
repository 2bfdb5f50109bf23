package org.tabserve.web.v2;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.ModelCard;
import org.tabserve.model.ModelInput;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.OnnxModel;
import org.tabserve.model.Prediction;
import org.tabserve.model.ValueOutput;
import org.tabserve.model.ValueType;
import org.tabserve.repository.ModelState;
import org.tabserve.repository.ModelStatus;
import org.tabserve.web.http.AdminToken;
import org.tabserve.web.http.ApiServlet;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.FieldProblem;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.LimitedInputStream;
import org.tabserve.web.http.MemoryBudget;
import org.tabserve.web.http.ModelRoute;
import org.tabserve.web.http.Routes;
import org.tabserve.web.http.ServedModels;
import org.tabserve.web.http.WebConfig;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol (KServe v2) over REST under {@code /v2}: server metadata and health, the served
 * model's metadata and readiness, and inference. The model's name and version are its card's; a path naming
 * another model or version is a 404. Inference takes one tensor per model input and answers a classifier's
 * {@code label} and {@code probabilities}, or a regressor's one output under the graph's name. Its errors are the protocol's {@code {"error": "..."}} (see
 * {@link ErrorRenderer}).
 */
public final class V2Servlet extends ApiServlet {

    /** Where the protocol lives in the URL space. */
    /** Where the protocol's routes are; the value lives in {@link Routes}, where the error renderer reads it. */
    public static final String PATH = Routes.V2;

    private final transient WebConfig config;
    private final transient MemoryBudget budget;
    private final String serverVersion;

    private final transient AdminToken adminToken;

    public V2Servlet(ServedModels model, ErrorRenderer errors, WebConfig config, MemoryBudget budget, String serverVersion,
              AdminToken adminToken) {
        super(model, errors);
        this.adminToken = adminToken;
        this.config = config;
        this.budget = budget;
        this.serverVersion = serverVersion;
    }

    /** What a path under /v2 asks for, with the model name and version it names. */
    private record Route(Kind kind, String model, String version) {
        enum Kind { SERVER_METADATA, LIVE, READY, MODEL_METADATA, MODEL_READY, INFER, REPOSITORY_INDEX, LOAD, UNLOAD }

        static Route of(String pathInfo, String uri) {
            String path = pathInfo == null || pathInfo.equals("/") ? "" : pathInfo;
            String[] parts = path.isEmpty() ? new String[0] : path.substring(1).split("/", -1);
            if (parts.length == 0) {
                return new Route(Kind.SERVER_METADATA, null, null);
            }
            if (parts.length == 2 && parts[0].equals("health") && parts[1].equals("live")) {
                return new Route(Kind.LIVE, null, null);
            }
            if (parts.length == 2 && parts[0].equals("health") && parts[1].equals("ready")) {
                return new Route(Kind.READY, null, null);
            }
            if (parts.length == 2 && parts[0].equals("repository") && parts[1].equals("index")) {
                return new Route(Kind.REPOSITORY_INDEX, null, null);
            }
            if (parts.length == 4 && parts[0].equals("repository") && parts[1].equals("models") && !parts[2].isEmpty()
                    && (parts[3].equals("load") || parts[3].equals("unload"))) {
                return new Route(parts[3].equals("load") ? Kind.LOAD : Kind.UNLOAD, parts[2], null);
            }
            if (parts.length >= 2 && parts[0].equals("models") && !parts[1].isEmpty()) {
                String version = null;
                int rest = 2;
                if (parts.length >= 4 && parts[2].equals("versions") && !parts[3].isEmpty()) {
                    version = parts[3];
                    rest = 4;
                }
                if (parts.length == rest) {
                    return new Route(Kind.MODEL_METADATA, parts[1], version);
                }
                if (parts.length == rest + 1 && parts[rest].equals("ready")) {
                    return new Route(Kind.MODEL_READY, parts[1], version);
                }
                if (parts.length == rest + 1 && parts[rest].equals("infer")) {
                    return new Route(Kind.INFER, parts[1], version);
                }
            }
            throw HttpProblem.of(404, "Not found", "no route for " + uri + "; the protocol's routes are /v2, "
                    + "/v2/health/live, /v2/health/ready, /v2/models/{name}[/versions/{version}][/ready|/infer], "
                    + "/v2/repository/index and /v2/repository/models/{name}/load|unload");
        }

        void requireMethod(String method, String uri) {
            boolean infer = kind == Kind.INFER || kind == Kind.REPOSITORY_INDEX || kind == Kind.LOAD
                    || kind == Kind.UNLOAD;
            boolean allowed = infer ? method.equals("POST") : method.equals("GET") || method.equals("HEAD");
            if (!allowed) {
                String allow = infer ? "OPTIONS, POST" : "GET, HEAD, OPTIONS";
                throw new HttpProblem(405, "Method not allowed", method + " is not allowed on " + uri
                        + "; allowed: " + allow, List.of(), Map.of("Allow", allow));
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Route route = Route.of(request.getPathInfo(), request.getRequestURI());
        route.requireMethod(request.getMethod(), request.getRequestURI());
        switch (route.kind()) {
            case SERVER_METADATA -> write(response, 200, new V2Json.ServerMetadata("tabserve", serverVersion, List.of()));
            case LIVE -> write(response, 200, new V2Json.Live(true));
            case READY -> {
                boolean ready = model.repository().ready();
                write(response, ready ? 200 : 503, new V2Json.Ready(ready));
            }
            case MODEL_METADATA -> {
                OnnxModel served = served(route);
                write(response, 200, metadata(model.name(), model.repository().readyVersions(model.name()), served));
            }
            case MODEL_READY -> {
                served(route); // 404 for a model or version not served, 503 for one not ready
                write(response, 200, new V2Json.ModelReady(model.name(), true));
            }
            default -> throw new IllegalStateException("unrouted " + route);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Route route = Route.of(request.getPathInfo(), request.getRequestURI());
        route.requireMethod(request.getMethod(), request.getRequestURI());
        switch (route.kind()) {
            case REPOSITORY_INDEX -> {
                index(request, response);
                return;
            }
            case LOAD, UNLOAD -> {
                loadOrUnload(route, request, response);
                return;
            }
            default -> requireContentType(request, "application/json");
        }
        OnnxModel classifier = served(route);
        try (MemoryBudget.Reservation held = budget.open()) {
            V2InferRequestParser.V2InferRequest infer;
            try (InputStream body = held.metered(LimitedInputStream.body(request, config.maxBodyBytes()),
                    Json.UNMETERED_BYTES, Json.HEAP_BYTES_PER_BODY_BYTE)) {
                infer = new V2InferRequestParser(classifier.signature(), outputNames(classifier),
                        config.maxBatchRows()).parse(body);
            }
            List<Prediction> predictions = model.counted(classifier.predict(infer.batch()));
            List<V2Json.OutputTensor> outputs = new ArrayList<>();
            for (String name : infer.outputs()) {
                outputs.add(switch (name) {
                    case V2Json.LABEL_OUTPUT -> labels(predictions);
                    case V2Json.PROBABILITIES_OUTPUT -> probabilities(predictions, classifier);
                    default -> values(predictions, classifier.valueOutput().orElseThrow());
                });
            }
            write(response, 200, new V2Json.InferResponse(model.name(),
                    model.version().map(String::valueOf).orElse(null), infer.id(), outputs));
        }
    }

    /** The model the path names (and, if it names one, that version); a 404 when it is not served, 503 not ready. */
    private OnnxModel served(Route route) {
        return model.classifier(ModelRoute.of(route.model(), route.version()));
    }

    /**
     * The repository extension's index: every model version with its state (and the reason when it is not ready);
     * the body is {@code {}}, or {@code {"ready": true}} for the ready ones only.
     */
    private void index(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean readyOnly = false;
        try (InputStream body = LimitedInputStream.body(request, config.maxBodyBytes());
             com.fasterxml.jackson.core.JsonParser parser = Json.parser(body)) {
            com.fasterxml.jackson.databind.JsonNode json = Json.MAPPER.readTree(parser);
            if (json != null && !json.isMissingNode()) {
                if (!json.isObject()) {
                    throw HttpProblem.badRequest("the index request body must be a JSON object, {} or {\"ready\": true}");
                }
                com.fasterxml.jackson.databind.JsonNode ready = json.get("ready");
                if (ready != null && !ready.isBoolean()) {
                    throw HttpProblem.invalidFields(List.of(new FieldProblem("ready", "'ready' must be true or false, "
                            + "got " + ready, null)));
                }
                readyOnly = ready != null && ready.asBoolean();
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException | java.io.CharConversionException e) {
            throw Json.malformed(e);
        }
        List<V2Json.IndexEntry> entries = new ArrayList<>();
        for (ModelStatus status : model.repository().index()) {
            if (!readyOnly || status.state() == ModelState.READY) {
                entries.add(new V2Json.IndexEntry(status.name(), Long.toString(status.version()),
                        status.state().name(), status.reason().orElse("")));
            }
        }
        write(response, 200, entries);
    }

    /**
     * The repository extension's load and unload, behind the admin token: what KServe's model agent calls after it
     * puts a model in, or removes it from, {@code <model dir>/<name>}. Load answers once the model serves (or failed).
     */
    private void loadOrUnload(Route route, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        adminToken.authorizeRepositoryChange(request);
        LimitedInputStream.body(request, config.maxBodyBytes()).transferTo(java.io.OutputStream.nullOutputStream());
        // join(): a failed load or unload is answered by ErrorRenderer as the repository's own failure.
        if (route.kind() == Route.Kind.LOAD) {
            List<ModelStatus> statuses = model.repository().load(route.model()).join();
            java.util.Optional<ModelStatus> failed = statuses.stream()
                    .filter(s -> s.state() == ModelState.UNAVAILABLE).findFirst();
            if (statuses.stream().noneMatch(s -> s.state() == ModelState.READY) && failed.isPresent()) {
                throw HttpProblem.of(422, "Unprocessable content", "model '" + route.model() + "' failed to load: "
                        + failed.get().reason().orElse("unknown reason"));
            }
        } else {
            model.repository().unload(route.model()).join();
        }
        response.setStatus(200);
        response.setHeader("Cache-Control", "no-store");
    }

    /**
     * The outputs as the protocol names them: a classifier's {@code label} and {@code probabilities}, or a regressor's
     * one output under the graph's own name.
     */
    static List<String> outputNames(OnnxModel classifier) {
        return classifier.valueOutput().map(v -> List.of(v.name())).orElse(V2InferRequestParser.CLASSIFIER_OUTPUTS);
    }

    /** Every input with its datatype and shape ({@code -1} rows), and the outputs. */
    static V2Json.ModelMetadata metadata(String name, List<Long> versions, OnnxModel classifier) {
        ModelSignature signature = classifier.signature();
        ModelCard card = classifier.card();
        List<V2Json.TensorMetadata> inputs = new ArrayList<>();
        for (ModelInput input : signature.inputs()) {
            inputs.add(new V2Json.TensorMetadata(input.name(), input.type().v2Name(), V2InferRequestParser.shape(input)));
        }
        List<V2Json.TensorMetadata> outputs = classifier.valueOutput()
                .map(v -> List.of(new V2Json.TensorMetadata(v.name(), v.type().v2Name(), List.of(-1L, 1L))))
                .orElseGet(() -> List.of(new V2Json.TensorMetadata(V2Json.LABEL_OUTPUT, "BYTES", List.of(-1L)),
                        new V2Json.TensorMetadata(V2Json.PROBABILITIES_OUTPUT, "FP32",
                                List.of(-1L, (long) signature.classLabels().size()))));
        return new V2Json.ModelMetadata(name, versions.stream().map(String::valueOf).toList(), V2Json.PLATFORM, inputs,
                outputs);
    }

    private static V2Json.OutputTensor labels(List<Prediction> predictions) {
        return new V2Json.OutputTensor(V2Json.LABEL_OUTPUT, "BYTES", List.of((long) predictions.size()),
                predictions.stream().map(p -> ((Prediction.Classification) p).label()).toList());
    }

    private static V2Json.OutputTensor probabilities(List<Prediction> predictions, OnnxModel classifier) {
        int classes = classifier.signature().classLabels().size();
        List<Float> data = new ArrayList<>(predictions.size() * classes);
        for (Prediction prediction : predictions) {
            ((Prediction.Classification) prediction).probabilities().forEach(p -> data.add(p.floatValue()));
        }
        return new V2Json.OutputTensor(V2Json.PROBABILITIES_OUTPUT, "FP32",
                List.of((long) predictions.size(), (long) classes), data);
    }

    /** A regressor's values, shape {@code [N, 1]}, in the output's own element type. */
    private static V2Json.OutputTensor values(List<Prediction> predictions, ValueOutput output) {
        boolean single = output.type() == ValueType.FLOAT;
        List<Number> data = new ArrayList<>(predictions.size());
        for (Prediction prediction : predictions) {
            double value = ((Prediction.Regression) prediction).value();
            data.add(single ? (Number) (float) value : (Number) value);
        }
        return new V2Json.OutputTensor(output.name(), output.type().v2Name(), List.of((long) predictions.size(), 1L),
                data);
    }

    private static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType(Json.MEDIA_TYPE);
        response.setHeader("Cache-Control", "no-store");
        Json.MAPPER.writeValue(response.getOutputStream(), body);
    }
}
