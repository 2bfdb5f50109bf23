package org.tabserve.web.v2;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelStatus;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.serving.Readiness;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.Scoring;
import org.tabserve.serving.ServedModels;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.web.http.AnswerKeepAlive;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.Routes;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.auth.Access;
import org.tabserve.web.http.auth.AdminToken;
import org.tabserve.web.http.limits.LimitedInputStream;
import org.tabserve.web.http.request.MediaType;

/**
 * The Open Inference Protocol (KServe v2) over REST under {@code /v2}: server metadata and health, each served
 * model's metadata and readiness, inference, and the repository extension; one method per route of the route table,
 * each given the model its path names. Inference takes one tensor per model input and answers a classifier's
 * {@code label} and {@code probabilities}, or a regressor's one output under the graph's name. Its errors are the
 * protocol's {@code {"error": "..."}} (the route table's error shape for {@code /v2}).
 */
public final class V2Handler {

    /** Where the protocol's routes are. */
    public static final String PATH = Routes.V2;
    /** What the 404 of a path under {@link #PATH} that no route serves names. */
    public static final String ROUTES_HINT = "the protocol's routes are /v2, /v2/health/live, /v2/health/ready, "
            + "/v2/models/{name}[/versions/{version}][/ready|/infer], /v2/repository/index and "
            + "/v2/repository/models/{name}/load|unload";

    /**
     * The protocol's extensions tabserve serves, as {@code GET /v2} and gRPC's ServerMetadata list them: the model
     * repository (index, load, unload) and statistics ({@code /v2/models/stats}, gRPC's ModelStatistics), over REST and
     * gRPC.
     */
    public static final List<String> EXTENSIONS = List.of("model_repository", "statistics");

    /** Writes one version's statistics into the answer, flushed with the rest rather than one by one. */
    /** The infer body's and answer's format, as the trace's stages name it. */
    private static final String FORMAT = "json";

    private static final ObjectWriter STAT_ENTRY =
            Json.MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    private final WebConfig config;
    private final MemoryBudget budget;
    private final String serverVersion;
    private final Access access;
    private final Scoring scoring;
    private final Monitors monitors;
    private final ModelRepository repository;
    private final Readiness readiness;

    /**
     * @param served the served models: the repository extension's and the metadata's versions, the server's
     *               readiness, and where the statistics extension reads each version's statistics and live inputs
     */
    public V2Handler(
            WebConfig config,
            MemoryBudget budget,
            String serverVersion,
            Access access,
            Scoring scoring,
            ServedModels served) {
        this.access = access;
        this.scoring = scoring;
        this.monitors = served.monitors();
        this.repository = served.repository();
        this.readiness = served.readiness();
        this.config = config;
        this.budget = budget;
        this.serverVersion = serverVersion;
    }

    /** {@code GET /v2}: the server's name, version and extensions. */
    public void serverMetadata(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        write(response, 200, new V2Json.ServerMetadata("tabserve", serverVersion, EXTENSIONS));
    }

    /** {@code GET /v2/health/live}. */
    public void live(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(response, 200, new V2Json.Live(true));
    }

    /**
     * {@code GET /v2/health/ready}: whether every model found at start has loaded or failed and one serves, and the
     * server is not draining before a stop.
     */
    public void ready(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        boolean ready = readiness.ready();
        write(response, ready ? 200 : 503, new V2Json.Ready(ready));
    }

    /** {@code GET /v2/models/{name}[/versions/{version}]}: the model's inputs and outputs. */
    public void modelMetadata(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Model served = model.model();
        write(response, 200, metadata(model.name(), repository.readyVersions(model.name()), served));
    }

    /** {@code GET /v2/models/{name}[/versions/{version}]/ready}: 404 for a model not served, 503 not ready. */
    public void modelReady(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        model.model();
        write(response, 200, new V2Json.ModelReady(model.name(), true));
    }

    /** {@code POST /v2/models/{name}[/versions/{version}]/infer}. */
    public void infer(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        MediaType.require(request, MediaType.JSON);
        Model classifier = model.model();
        try (MemoryBudget.Reservation held = budget.open()) {
            V2InferRequestParser.V2InferRequest infer;
            long bytes = request.getContentLengthLong();
            try (AnswerTrace.Stage reading = model.trace().read(FORMAT, bytes);
                    InputStream body = LimitedInputStream.meteredJsonBody(request, config, held)) {
                infer = new V2InferRequestParser(
                                classifier.signature(), V2Inference.outputNames(classifier), config.maxBatchRows())
                        .parse(body);
                reading.attribute(AnswerTrace.ROWS, infer.batch().size());
            }
            V2Inference.Answer answer =
                    V2Inference.run(scoring, model, infer, new AnswerKeepAlive(response, Json.MEDIA_TYPE));
            try (AnswerTrace.Stage writing =
                    model.trace().write(FORMAT, answer.predictions().size())) {
                write(response, 200, V2Inference.json(answer));
            }
        }
    }

    /**
     * {@code GET /v2/models[/{name}[/versions/{version}]]/stats}, the statistics extension: for every ready version
     * (of every model, of the model named, or the version named) its rows scored, model calls, and the count and total
     * time of the requests that scored and that failed since it was loaded, with each input's live drift. The
     * versions are checked first (a 404 or 503 before any byte), then each one's entry is built and written in turn,
     * so that a request holds one version's figures at a time however many models the server has.
     */
    public void stats(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        List<ModelStatus> versions = V2Statistics.versions(model, repository);
        response.setHeader("Cache-Control", "no-store");
        try (JsonGenerator json = Json.start(response)) {
            json.writeStartObject();
            json.writeArrayFieldStart(V2Json.MODEL_STATS);
            for (ModelStatus version : versions) {
                Optional<V2Json.ModelStat> stat = V2Statistics.stat(repository, monitors, version, true);
                if (stat.isPresent()) {
                    STAT_ENTRY.writeValue(json, stat.get());
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    /**
     * The repository extension's index: every model version with its state (and the reason when it is not ready);
     * the body is {@code {}}, or {@code {"ready": true}} for the ready ones only.
     */
    public void index(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        boolean readyOnly = false;
        try (InputStream body = LimitedInputStream.body(request, config.maxBodyBytes(), WebConfig.MAX_BODY_BYTES);
                com.fasterxml.jackson.core.JsonParser parser = JsonText.parser(body)) {
            com.fasterxml.jackson.databind.JsonNode json = Json.MAPPER.readTree(parser);
            if (json != null && !json.isMissingNode()) {
                if (!json.isObject()) {
                    throw HttpProblem.badRequest(
                            "the index request body must be a JSON object, {} or {\"ready\": true}");
                }
                com.fasterxml.jackson.databind.JsonNode ready = json.get("ready");
                if (ready != null && !ready.isBoolean()) {
                    throw HttpProblem.invalidFields(List.of(
                            new FieldProblem("ready", "'ready' must be true or false, " + "got " + ready, null)));
                }
                readyOnly = ready != null && ready.asBoolean();
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException | java.io.CharConversionException e) {
            throw JsonText.malformed(e);
        }
        write(response, 200, V2Repository.index(repository, readyOnly, model.caller()));
    }

    /**
     * The repository extension's load and unload, behind the admin token: what KServe's model agent calls after it
     * puts a model in, or removes it from, {@code <model dir>/<name>}. Load answers once the model serves (or failed).
     */
    public void load(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        loadOrUnload(true, model, request, response);
    }

    /** @see #load */
    public void unload(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        loadOrUnload(false, model, request, response);
    }

    private void loadOrUnload(
            boolean load, ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        access.admitRepositoryChange(AdminToken.callerOf(request), model.name());
        LimitedInputStream.body(request, config.maxBodyBytes(), WebConfig.MAX_BODY_BYTES)
                .transferTo(java.io.OutputStream.nullOutputStream());
        if (load) {
            V2Repository.load(repository, model.name());
        } else {
            V2Repository.unload(repository, model.name());
        }
        response.setStatus(200);
        response.setHeader("Cache-Control", "no-store");
    }

    /** Every input with its datatype and shape ({@code -1} rows), and the outputs. */
    public static V2Json.ModelMetadata metadata(String name, List<Long> versions, Model classifier) {
        ModelSignature signature = classifier.signature();
        ModelCard card = classifier.card();
        List<V2Json.TensorMetadata> inputs = new ArrayList<>();
        for (ModelInput input : signature.inputs()) {
            inputs.add(new V2Json.TensorMetadata(
                    input.name(),
                    input.type().v2Name(),
                    input.batchShape(),
                    input.features().size() > 1
                            ? Map.of(
                                    V2Json.FEATURE_NAMES,
                                    input.features().stream().map(Feature::name).toList())
                            : null));
        }
        List<String> classNames =
                signature.classLabels().stream().map(card::displayName).toList();
        Map<String, List<String>> labelHint =
                classNames.equals(signature.classLabels()) ? null : Map.of(V2Json.CLASS_NAMES, classNames);
        List<V2Json.TensorMetadata> outputs = classifier
                .valueOutput()
                .map(v -> List.of(new V2Json.TensorMetadata(v.name(), v.type().v2Name(), List.of(-1L, 1L))))
                .orElseGet(() -> List.of(
                        new V2Json.TensorMetadata(V2Json.LABEL_OUTPUT, "BYTES", List.of(-1L), labelHint),
                        new V2Json.TensorMetadata(V2Json.PROBABILITIES_OUTPUT, "FP32", List.of(-1L, (long)
                                signature.classLabels().size()))));
        return new V2Json.ModelMetadata(
                name, versions.stream().map(String::valueOf).toList(), V2Json.PLATFORM, inputs, outputs);
    }

    private static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType(Json.MEDIA_TYPE);
        response.setHeader("Cache-Control", "no-store");
        Json.MAPPER.writeValue(response.getOutputStream(), body);
    }
}
