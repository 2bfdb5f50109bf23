package org.tabserve.web.v2;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol's (KServe v2) response bodies, as records that Jackson writes with the protocol's
 * field names.
 */
public final class V2Json {

    /** The output holding each row's predicted class label. */
    public static final String LABEL_OUTPUT = "label";
    /** The output holding each row's probability of every class, in the model's class order. */
    public static final String PROBABILITIES_OUTPUT = "probabilities";
    /** The metadata {@code parameters} key naming a many-column input's columns, in order. */
    static final String FEATURE_NAMES = "feature_names";
    /** The metadata {@code parameters} key naming the label output's classes for people, in class order. */
    static final String CLASS_NAMES = "class_names";
    /** The protocol's platform name for models run by ONNX Runtime. */
    static final String PLATFORM = "onnx_onnxv1";

    private V2Json() {}

    /** {@code GET /v2}. */
    @Schema(requiredProperties = {"name", "version", "extensions"})
    record ServerMetadata(String name, String version, List<String> extensions) {}

    /** {@code GET /v2/health/live}. */
    @Schema(requiredProperties = "live")
    record Live(boolean live) {}

    /** {@code GET /v2/health/ready}. */
    @Schema(requiredProperties = "ready")
    record Ready(boolean ready) {}

    /** One line of the repository extension's index. */
    @Schema(requiredProperties = {"name", "version", "state"})
    public record IndexEntry(String name, String version, String state, String reason) {}

    /** {@code GET /v2/models/{name}/ready}. */
    @Schema(requiredProperties = {"name", "ready"})
    record ModelReady(String name, boolean ready) {}

    /**
     * A tensor's name, element type and shape ({@code -1} for a free dimension), and tabserve's hints as the protocol's
     * {@code parameters} (left out when none): an input of many columns names them in order ({@code feature_names}),
     * the label output names the classes for people ({@code class_names}, in class order) when the card does.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(requiredProperties = {"name", "datatype", "shape"})
    public record TensorMetadata(
            String name,
            String datatype,
            @ArraySchema(schema = @Schema(minimum = "-1")) List<Long> shape,
            @Schema(implementation = TensorHints.class) Map<String, List<String>> parameters) {

        TensorMetadata(String name, String datatype, List<Long> shape) {
            this(name, datatype, shape, null);
        }
    }

    /** The hints a {@link TensorMetadata}'s parameters may hold, as the OpenAPI document describes them. */
    @Schema(
            description = "tabserve's hints, when there are any: an input of many columns names them in order ("
                    + FEATURE_NAMES
                    + "); the label output names the classes for people, in class order ("
                    + CLASS_NAMES
                    + "), when the model's card does. The tensor itself is still sent and answered as such: names are"
                    + " not inputs.")
    private record TensorHints(List<String> feature_names, List<String> class_names) {}

    /** {@code GET /v2/models/{name}}; {@code versions} is left out for a model without a version. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(requiredProperties = {"name", "platform", "inputs", "outputs"})
    public record ModelMetadata(
            String name,
            List<String> versions,
            String platform,

            @ArraySchema(schema = @Schema(ref = "V2TensorMetadata"))
            List<TensorMetadata> inputs,

            @ArraySchema(schema = @Schema(ref = "V2TensorMetadata"))
            List<TensorMetadata> outputs) {}

    /** One output tensor of an inference response, its data flat in row-major order. */
    record OutputTensor(String name, String datatype, List<Long> shape, List<?> data) {}

    /**
     * {@code POST /v2/models/{name}/infer}; {@code model_version}, {@code id} and {@code parameters} (what an
     * explanation explains and how) only when there is one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferResponse(
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model_version") String modelVersion,
            String id,
            Map<String, String> parameters,
            List<OutputTensor> outputs) {}

    /**
     * The one field of {@code GET /v2/models[/{name}[/versions/{version}]]/stats}'s answer, a list of
     * {@link ModelStat}: written one entry at a time ({@link V2Handler#stats}), never held whole.
     */
    static final String MODEL_STATS = "model_stats";

    /**
     * One model version's statistics; {@code batch_stats} is empty (tabserve does not time model calls by batch size)
     * and {@code live} is tabserve's: each input's live counts and drift, as {@code GET /api/model} gives them (null
     * for gRPC's ModelStatistics, whose message has no place for it).
     */
    @Schema(requiredProperties = {"name", "version", "inference_count", "execution_count", "inference_stats"})
    public record ModelStat(
            String name,
            String version,

            @Schema(description = "when the version last scored, in milliseconds since the epoch (0: never)")
            @JsonProperty("last_inference")
            long lastInference,

            @Schema(description = "rows scored") @JsonProperty("inference_count")
            long inferenceCount,

            @Schema(description = "model calls") @JsonProperty("execution_count")
            long executionCount,

            @JsonProperty("inference_stats") InferenceStats inferenceStats,

            @ArraySchema(arraySchema = @Schema(description = "empty: model calls are not timed by batch size"))
            @JsonProperty("batch_stats")
            List<Object> batchStats,

            @Schema(
                    description = "tabserve's: each input's live counts and drift, as GET /api/model's 'live'",
                    additionalPropertiesSchema = Object.class)
            Map<String, Map<String, Object>> live) {}

    /** The requests that scored ({@code success}) and those that failed, each a count and a total in nanoseconds. */
    public record InferenceStats(DurationStat success, DurationStat fail) {}

    /** A count and its total duration in nanoseconds (the document says which requests each is of). */
    @Schema(requiredProperties = {"count", "ns"})
    public record DurationStat(long count, long ns) {}
}
