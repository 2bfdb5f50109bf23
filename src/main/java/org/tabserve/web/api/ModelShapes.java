package org.tabserve.web.api;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Engine;
import org.tabserve.repository.ModelRepository;
import org.tabserve.serving.monitor.ModelActivity;
import org.tabserve.web.openapi.DerivedSchemas;

/**
 * {@code /api/model}'s answer and the fixed parts of {@code /api/models}' as records {@link DerivedSchemas} derives
 * their OpenAPI schemas from, for {@link ModelApiOpenApi}, which sets the model's own parts (its features', inputs' and
 * classes' names, the value types), and {@link ModelIndexSchema}. Their components are named as the JSON keys.
 */
final class ModelShapes {

    private static final String TIMED = "how many of the requests the latencies are of: all but the model's warm-up,"
            + " its first " + ModelActivity.WARM_UP_REQUESTS
            + " requests after each load, whose cold runs say nothing of how it answers";

    private ModelShapes() {}

    @Schema(requiredProperties = {"name", "type", "input", "missing_allowed", "missing_reason", "live"})
    record FeatureDescription(
            String name,
            String type,

            @Schema(description = "the graph input that carries it")
            String input,

            @Schema(description = "whether null (an empty cell or field) is taken, as NaN")
            boolean missing_allowed,

            @Schema(
                    description = "why null is taken, where it is: the graph imputes it (imputer), every tree"
                            + " that reads it routes a missing value (trees), or the card lists it (card)")
            String missing_because,

            @Schema(
                    description = "why null is taken or refused, in a sentence, with the way on where there is"
                            + " one (card --missing for a number the model takes none of)")
            String missing_reason,

            @ArraySchema(
                    arraySchema =
                            @Schema(
                                    description =
                                            "the values the model knows (text and integer features with an encoder)"))
            List<String> categories,

            @Schema(
                    allowableValues = {"warning", "refused"},
                    description = "what a value outside categories gets")
            String unknown_categories,

            BigDecimal min,
            BigDecimal max,
            BigDecimal mean,

            @Schema(
                    description = "a text feature's values in the card's data and how often each occurred, per"
                            + " class (a regressor's: its one series)")
            Map<String, Map<String, Integer>> category_counts,

            FeatureLive live) {}

    /**
     * A feature's live figures against the card's training profile ({@link LiveJson}); the document says which window
     * each {@link LiveWindow} is.
     */
    @Schema(
            description = "what the model scored of this input, on every route, against the card's training profile:"
                    + " the last hour and since the model version was loaded",
            requiredProperties = {"compared_on", "recent", "since_start"})
    record FeatureLive(
            @Schema(
                    allowableValues = {"histogram", "categories", "none"},
                    description = "the card's histogram bins (numbers), its category counts (text), or none")
            String compared_on,

            @ArraySchema(
                    arraySchema = @Schema(description = "the histogram's bins (lower–upper) or the known categories"))
            List<String> bins,

            @ArraySchema(arraySchema = @Schema(description = "the training counts on those bins, summed over classes"))
            List<BigDecimal> training,

            @Schema(
                    description = "the values (missing ones included) a window needs for a drift score: 32 per"
                            + " bin the training data fills beyond the first, at least 50")
            long values_needed,

            LiveWindow recent,
            LiveWindow since_start) {}

    @Schema(requiredProperties = {"window_seconds", "values", "missing", "missing_rate", "drift"})
    record LiveWindow(
            @Schema(nullable = true, description = "null: since start")
            int window_seconds,

            @Schema(description = "values scored, missing ones included")
            int values,

            int missing,
            BigDecimal missing_rate,

            @Schema(description = "numbers below the first or above the last histogram edge")
            int out_of_range,

            BigDecimal out_of_range_rate,

            @Schema(description = "categories the training data never had")
            int unknown_categories,

            BigDecimal unknown_category_rate,

            @ArraySchema(arraySchema = @Schema(description = "per bin"))
            List<Integer> counts,

            @Schema(
                    nullable = true,
                    description = "population stability index against the training profile; null until 32"
                            + " values per training bin beyond the first (at least 50) were compared")
            BigDecimal psi,

            @Schema(
                    allowableValues = {"small", "moderate", "large", "not enough data", "no training profile"},
                    description = "the PSI read on 0.1 and 0.25")
            String drift) {}

    @Schema(requiredProperties = {"name", "version", "sha256", "task", "inputs", "features", "classes"})
    record ModelDescription(
            String name,

            @Schema(nullable = true, description = "null for a model without a version")
            String version,

            String description,
            String producer,
            String sha256,
            FileFormat format,
            EngineUsed engine,

            @Schema(allowableValues = {"classification", "regression"})
            String task,

            List<InputDescription> inputs,

            @ArraySchema(
                    arraySchema =
                            @Schema(
                                    description = "every feature, in the model's order (the order of a row"
                                            + " given as an array)"),
                    schema = @Schema(ref = "FeatureDescription"))
            List<Object> features,

            OneInput input,

            @ArraySchema(arraySchema = @Schema(description = "a classifier's classes; empty for a regressor"))
            List<ClassDescription> classes,

            String class_display_note,
            String output_kind,

            @ArraySchema(
                    arraySchema =
                            @Schema(
                                    description = "the per-row fields this model's answers may carry, in the order"
                                            + " every format writes them: each with its key, its type (text, number,"
                                            + " integer, flag, texts, named_numbers with their names, struct or"
                                            + " records with their members) and when a row carries it"))
            List<AnswerFieldDescription> fields,

            @Schema(
                    description = "as the card holds them: a classifier's accuracy, per_class,"
                            + " confusion_matrix and for two classes roc and calibration; a regressor's mae,"
                            + " rmse and r2")
            Object metrics,

            Object data,
            Object trainer,

            @ArraySchema(
                    arraySchema =
                            @Schema(
                                    description = "per data file the card was made from with `card"
                                            + " --skip-invalid`, the rows its figures leave out: how many of"
                                            + " how many, the first few with why, and all that as one"
                                            + " sentence; empty when the card's figures describe every row"))
            List<SkippedRows> skipped_rows,

            @Schema(ref = FeedbackOpenApi.PERFORMANCE) Object performance) {}

    /** One per-row field of the answer, as {@code /api/model}'s {@code fields} lists it. */
    @Schema(requiredProperties = {"key", "type", "presence", "description"})
    record AnswerFieldDescription(
            String key, String type, List<String> names, List<Object> members, String presence, String description) {}

    @Schema(
            description = "the file the model was read from: its format and what wrote it",
            requiredProperties = {"name", "written_by"})
    record FileFormat(
            @Schema(
                    description = "ONNX, XGBoost JSON, XGBoost UBJSON or LightGBM text, followed by (MLflow"
                            + " ...) for an MLflow directory's flavor")
            String name,

            @Schema(description = "the library and version that wrote the file, as far as the file says")
            String written_by) {}

    @Schema(
            description = "which engine computes the answers, and why",
            requiredProperties = {"name", "note"})
    record EngineUsed(
            @Schema(
                    allowableValues = {Engine.ONNX_RUNTIME, Engine.PLAIN_JAVA},
                    description = "plain Java: batches of every size from the graph evaluated in Java,"
                            + " checked against ONNX Runtime when the model loaded")
            String name,

            String note) {}

    /** A graph input; the document sets its name's and type's choices. */
    @Schema(requiredProperties = {"name", "type", "datatype", "shape", "features"})
    record InputDescription(
            String name,
            String type,

            @Schema(description = "its Open Inference Protocol datatype")
            String datatype,

            @ArraySchema(arraySchema = @Schema(description = "-1 for the rows, then the columns"))
            List<Long> shape,

            List<String> features) {}

    @Schema(
            description = "a model of one input: that input and its features",
            requiredProperties = {"name", "features"})
    record OneInput(
            String name,

            @ArraySchema(schema = @Schema(ref = "FeatureDescription"))
            List<Object> features) {}

    /** A class; the document sets its label's choices. */
    @Schema(requiredProperties = {"label", "display_name"})
    record ClassDescription(String label, String display_name) {}

    @Schema(requiredProperties = {"file", "rows", "skipped", "reasons", "sentence"})
    record SkippedRows(String file, long rows, long skipped, List<SkipReason> reasons, String sentence) {}

    @Schema(requiredProperties = {"row", "field", "message"})
    record SkipReason(long row, String field, String message) {}

    /** The model's recent requests ({@link ModelIndexHandler.Recent}). */
    @Schema(
            description = "the model's requests of the last window_seconds seconds, over all its versions",
            requiredProperties = {"window_seconds", "requests", "errors", "p50_ms", "p99_ms", "timed"})
    record Recent(
            int window_seconds,
            long requests,

            @Schema(description = "those answered with a status of 400 or more")
            long errors,

            @Schema(
                    nullable = true,
                    description = "half of them were answered within this (a histogram bucket's upper bound,"
                            + " at most a quarter over); null when there were none")
            BigDecimal p50_ms,

            @Schema(nullable = true, description = "99 in 100 were answered within this")
            BigDecimal p99_ms,

            @Schema(description = TIMED) long timed) {}

    @Schema(
            nullable = true,
            description = "the input of this version whose values of the last hour drifted most from the card's"
                    + " training profile; null before any input has a score (32 values per training bin beyond the"
                    + " first, at least 50)",
            requiredProperties = {"feature", "psi", "drift"})
    record WorstDrift(
            String feature,

            @Schema(description = "population stability index")
            BigDecimal psi,

            @Schema(allowableValues = {"small", "moderate", "large"})
            String drift) {}

    /** The last hour by minute ({@link ModelIndexHandler.LastHour}), what the models page draws as sparklines. */
    @Schema(description = "the last hour minute by minute, for sparklines", requiredProperties = "minutes")
    record LastHour(
            @ArraySchema(
                    arraySchema = @Schema(description = "oldest first, one a minute, the last the minute under way"),
                    minItems = 60,
                    maxItems = 60)
            List<Minute> minutes) {}

    @Schema(requiredProperties = {"requests", "errors", "p99_ms", "worst_drift_psi", "timed"})
    record Minute(
            @Schema(description = "the model's requests answered in the minute, over all its versions")
            long requests,

            @Schema(description = "those answered with a status of 400 or more")
            long errors,

            @Schema(
                    nullable = true,
                    description = "99 in 100 of them were answered within this (a histogram bucket's upper"
                            + " bound); null when there were none, or past the last bound")
            BigDecimal p99_ms,

            @Schema(
                    nullable = true,
                    description = "this version's worst drift (the highest PSI of its inputs over the hour up"
                            + " to then), the highest sampled in the minute; null when nothing sampled it (the"
                            + " models page, this index and /metrics do) or no input had a score")
            BigDecimal worst_drift_psi,

            @Schema(description = TIMED) long timed) {}

    /** The model directory's entries not served ({@link org.tabserve.repository.SkippedEntry}). */
    record Skipped(
            @ArraySchema(
                    arraySchema =
                            @Schema(
                                    description = "the entries of the model directory (--models) that look"
                                            + " meant as models but are not served, by path: a folder of loose"
                                            + " .onnx files, a file or folder whose name is no model's, a"
                                            + " version directory without its model.onnx; empty without"
                                            + " --models"),
                    maxItems = ModelRepository.SKIPPED_KEPT)
            List<SkippedEntry> skipped) {}

    @Schema(requiredProperties = {"path", "reason", "fix"})
    record SkippedEntry(
            @Schema(description = "relative to the model directory; a folder's ends in /")
            String path,

            @Schema(description = "why it is not served") String reason,
            @Schema(description = "what would serve it") String fix) {}

    @Schema(
            description = "where the models come from, when --models is an s3:// location",
            requiredProperties = {"location", "reachable", "cached_models"})
    record Store(
            @Schema(description = "s3://bucket/prefix/") String location,
            boolean reachable,

            @Schema(description = "why the store does not answer; the cache serves")
            String detail,

            int cached_models) {}
}
