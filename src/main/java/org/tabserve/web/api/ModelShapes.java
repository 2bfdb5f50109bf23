package org.tabserve.web.api;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Engine;
import org.tabserve.web.openapi.DerivedSchemas;

/**
 * {@code /api/model}'s answer as records {@link DerivedSchemas} derives its OpenAPI schemas from, for
 * {@link ModelApiOpenApi}, which sets the model's own parts (its features', inputs' and classes' names, the value
 * types). Their components are named as the JSON keys.
 */
final class ModelShapes {

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
}
