package org.tabserve.web.v2;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import org.tabserve.web.openapi.DerivedSchemas;

/**
 * The Open Inference Protocol's answers that do not depend on the model, as records {@link DerivedSchemas} derives
 * their OpenAPI schemas from for {@link V2Schemas}: the error, health, metadata, the repository index and the
 * statistics. Their components are named as the JSON keys.
 */
final class V2Shapes {

    private V2Shapes() {}

    @Schema(requiredProperties = "error")
    record Error(String error) {}

    @Schema(requiredProperties = {"name", "version", "extensions"})
    record ServerMetadata(String name, String version, List<String> extensions) {}

    @Schema(requiredProperties = "live")
    record Live(boolean live) {}

    @Schema(requiredProperties = "ready")
    record Ready(boolean ready) {}

    @Schema(requiredProperties = {"name", "ready"})
    record ModelReady(String name, boolean ready) {}

    @Schema(requiredProperties = {"name", "datatype", "shape"})
    record TensorMetadata(
            String name,
            String datatype,
            @ArraySchema(schema = @Schema(minimum = "-1")) List<Long> shape,
            TensorHints parameters) {}

    @Schema(
            description = "tabserve's hints, when there are any: an input of many columns names them in order ("
                    + V2Json.FEATURE_NAMES
                    + "); the label output names the classes for people, in class order ("
                    + V2Json.CLASS_NAMES
                    + "), when the model's card does. The tensor itself is still sent and answered as such: names are"
                    + " not inputs.")
    record TensorHints(List<String> feature_names, List<String> class_names) {}

    @Schema(requiredProperties = {"name", "platform", "inputs", "outputs"})
    record ModelMetadata(
            String name,
            List<String> versions,
            String platform,

            @ArraySchema(schema = @Schema(ref = "V2TensorMetadata"))
            List<Object> inputs,

            @ArraySchema(schema = @Schema(ref = "V2TensorMetadata"))
            List<Object> outputs) {}

    @Schema(requiredProperties = {"name", "version", "state"})
    record IndexEntry(String name, String version, String state, String reason) {}

    @Schema(requiredProperties = {"name", "version", "inference_count", "execution_count", "inference_stats"})
    record ModelStat(
            String name,
            String version,

            @Schema(description = "when the version last scored, in milliseconds since the epoch (0: never)")
            long last_inference,

            @Schema(description = "rows scored") long inference_count,
            @Schema(description = "model calls") long execution_count,
            InferenceStats inference_stats,

            @ArraySchema(arraySchema = @Schema(description = "empty: model calls are not timed by batch size"))
            List<Object> batch_stats,

            @Schema(description = "tabserve's: each input's live counts and drift, as GET /api/model's 'live'")
            Map<String, Object> live) {}

    record InferenceStats(Scored success, Failed fail) {}

    @Schema(
            description = "requests that scored, and their total time",
            requiredProperties = {"count", "ns"})
    record Scored(long count, long ns) {}

    @Schema(description = "requests for the model refused or failed, and their total time")
    record Failed(long count, long ns) {}
}
