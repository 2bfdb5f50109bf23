package org.tabserve.web.api;

import static org.tabserve.web.openapi.OpenApi.JSON;
import static org.tabserve.web.openapi.OpenApi.ok;
import static org.tabserve.web.openapi.OpenApi.operation;
import static org.tabserve.web.openapi.OpenApi.problems;
import static org.tabserve.web.openapi.OpenApi.ref;
import static org.tabserve.web.openapi.OpenApi.responses;

import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tabserve.model.Engine;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.OpenApiPart;

/**
 * The model description's part of the OpenAPI document, in the plain JSON API's section: {@code /api/model} (the
 * served model's signature and card) and {@code /api/models} (the index of every served model, whose schema is
 * {@link ModelIndexSchema}'s).
 */
public final class ModelApiOpenApi implements OpenApiPart {

    /** The names /api/model gives the value types. */
    private static final List<String> TYPE_NAMES = Arrays.stream(ValueType.values())
            .map(t -> t.name().toLowerCase(Locale.ROOT))
            .toList();

    @Override
    public List<Tag> tags() {
        return List.of(); // PredictOpenApi's section
    }

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        paths.addPathItem(
                model.base() + "/api/model",
                new PathItem()
                        .get(operation(PredictOpenApi.TAG, "model", "The served model's signature and card", null)
                                .responses(responses(
                                        ok(JSON, ref("ModelDescription"), "Signature and card"), problems(503)))));
        paths.addPathItem(
                ModelIndexHandler.API_PATH,
                new PathItem()
                        .get(operation(
                                        PredictOpenApi.TAG,
                                        "models",
                                        "Every served model version with its state, task, inputs and routes",
                                        null)
                                .responses(responses(ok(JSON, ref("ModelIndex"), "The models")))));
        schemas.put("ModelIndex", ModelIndexSchema.schema());
        schemas.put("FeatureDescription", featureDescription(model.signature()));
        schemas.put("ModelDescription", modelDescription(model.signature()));
    }

    private static Schema<?> featureDescription(ModelSignature signature) {
        return new ObjectSchema()
                .addProperty("name", new StringSchema()._enum(signature.featureNames()))
                .addProperty("type", new StringSchema()._enum(TYPE_NAMES))
                .addProperty("input", new StringSchema().description("the graph input that carries it"))
                .addProperty(
                        "missing_allowed",
                        new BooleanSchema().description("whether null (an empty cell or field) " + "is taken, as NaN"))
                .addProperty(
                        "missing_because",
                        new StringSchema()
                                ._enum(Arrays.stream(Feature.Missing.values())
                                        .map(Feature.Missing::word)
                                        .toList())
                                .description("why null is taken, where it is: the graph imputes it (imputer), every"
                                        + " tree that reads it routes a missing value (trees), or the card lists it"
                                        + " (card)"))
                .addProperty(
                        "missing_reason",
                        new StringSchema()
                                .description("why null is taken or refused, in a sentence, with the way on where"
                                        + " there is one (card --missing for a number the model takes none of)"))
                .addProperty(
                        "categories",
                        new ArraySchema()
                                .items(new StringSchema())
                                .description("the values the model knows (text and integer features with an encoder)"))
                .addProperty(
                        "unknown_categories",
                        new StringSchema()
                                ._enum(List.of("warning", "refused"))
                                .description("what a value outside categories gets"))
                .addProperty("min", new NumberSchema())
                .addProperty("max", new NumberSchema())
                .addProperty("mean", new NumberSchema())
                .addProperty(
                        "category_counts",
                        new ObjectSchema()
                                .description("a text feature's values in the card's "
                                        + "data and how often each occurred, per class (a regressor's: its one series)")
                                .additionalProperties(new ObjectSchema().additionalProperties(new IntegerSchema())))
                .addProperty("live", live())
                .required(List.of("name", "type", "input", "missing_allowed", "missing_reason", "live"));
    }

    /** A feature's live figures against the card's training profile ({@link LiveJson}). */
    private static Schema<?> live() {
        return new ObjectSchema()
                .description("what the model scored of this input, on every route, against the card's"
                        + " training profile: the last hour and since the model version was loaded")
                .addProperty(
                        "compared_on",
                        new StringSchema()
                                ._enum(List.of("histogram", "categories", "none"))
                                .description(
                                        "the card's histogram bins (numbers), its category counts (text), or none"))
                .addProperty(
                        "bins",
                        new ArraySchema()
                                .items(new StringSchema())
                                .description("the histogram's bins (lower–upper) or the known categories"))
                .addProperty(
                        "training",
                        new ArraySchema()
                                .items(new NumberSchema())
                                .description("the training counts on those bins, summed over classes"))
                .addProperty(
                        "values_needed",
                        new IntegerSchema()
                                .format("int64")
                                .description("the values (missing"
                                        + " ones included) a window needs for a drift score: 32 per bin the training data fills beyond"
                                        + " the first, at least 50"))
                .addProperty("recent", liveWindow("the last hour (12 buckets of five minutes)"))
                .addProperty("since_start", liveWindow("since the model version was loaded"))
                .required(List.of("compared_on", "recent", "since_start"));
    }

    private static Schema<?> liveWindow(String what) {
        return new ObjectSchema()
                .description(what)
                .addProperty(
                        "window_seconds", new IntegerSchema().nullable(true).description("null: since start"))
                .addProperty("values", new IntegerSchema().description("values scored, missing ones included"))
                .addProperty("missing", new IntegerSchema())
                .addProperty("missing_rate", new NumberSchema())
                .addProperty(
                        "out_of_range",
                        new IntegerSchema().description("numbers below the first or above the last histogram edge"))
                .addProperty("out_of_range_rate", new NumberSchema())
                .addProperty(
                        "unknown_categories", new IntegerSchema().description("categories the training data never had"))
                .addProperty("unknown_category_rate", new NumberSchema())
                .addProperty(
                        "counts", new ArraySchema().items(new IntegerSchema()).description("per bin"))
                .addProperty(
                        "psi",
                        new NumberSchema()
                                .nullable(true)
                                .description("population stability index against"
                                        + " the training profile; null until 32 values per training bin beyond the first (at least 50)"
                                        + " were compared"))
                .addProperty(
                        "drift",
                        new StringSchema()
                                ._enum(List.of("small", "moderate", "large", "not enough data", "no training profile"))
                                .description("the PSI read on 0.1 and 0.25"))
                .required(List.of("window_seconds", "values", "missing", "missing_rate", "drift"));
    }

    private static Schema<?> modelDescription(ModelSignature signature) {
        return new ObjectSchema()
                .addProperty("name", new StringSchema())
                .addProperty(
                        "version", new StringSchema().nullable(true).description("null for a model without a version"))
                .addProperty("description", new StringSchema())
                .addProperty("producer", new StringSchema())
                .addProperty("sha256", new StringSchema())
                .addProperty(
                        "format",
                        new ObjectSchema()
                                .description("the file the model was read from: its format and what wrote it")
                                .addProperty(
                                        "name",
                                        new StringSchema()
                                                .description("ONNX, XGBoost JSON, XGBoost UBJSON or LightGBM text,"
                                                        + " followed by (MLflow ...) for an MLflow directory's flavor"))
                                .addProperty(
                                        "written_by",
                                        new StringSchema()
                                                .description("the library and version that wrote the file, as far as"
                                                        + " the file says"))
                                .required(List.of("name", "written_by")))
                .addProperty(
                        "engine",
                        new ObjectSchema()
                                .description("which engine computes the answers, and why")
                                .addProperty(
                                        "name",
                                        new StringSchema()
                                                ._enum(List.of(Engine.ONNX_RUNTIME, Engine.PLAIN_JAVA))
                                                .description(
                                                        "plain Java: batches of every size from the graph evaluated"
                                                                + " in Java, checked against ONNX Runtime when the model loaded"))
                                .addProperty("note", new StringSchema())
                                .required(List.of("name", "note")))
                .addProperty("task", new StringSchema()._enum(List.of("classification", "regression")))
                .addProperty(
                        "inputs",
                        new ArraySchema()
                                .items(new ObjectSchema()
                                        .addProperty(
                                                "name",
                                                new StringSchema()
                                                        ._enum(signature.inputs().stream()
                                                                .map(ModelInput::name)
                                                                .toList()))
                                        .addProperty("type", new StringSchema()._enum(TYPE_NAMES))
                                        .addProperty(
                                                "datatype",
                                                new StringSchema().description("its Open Inference Protocol datatype"))
                                        .addProperty(
                                                "shape",
                                                new ArraySchema()
                                                        .items(new IntegerSchema().format("int64"))
                                                        .description("-1 for the rows, then the columns"))
                                        .addProperty("features", new ArraySchema().items(new StringSchema()))
                                        .required(List.of("name", "type", "datatype", "shape", "features"))))
                .addProperty(
                        "features",
                        new ArraySchema()
                                .items(ref("FeatureDescription"))
                                .description(
                                        "every feature, in the model's order (the order of a row given as an array)"))
                .addProperty(
                        "input",
                        new ObjectSchema()
                                .description("a model of one input: that input and its features")
                                .addProperty("name", new StringSchema())
                                .addProperty("features", new ArraySchema().items(ref("FeatureDescription")))
                                .required(List.of("name", "features")))
                .addProperty(
                        "classes",
                        new ArraySchema()
                                .description("a classifier's classes; empty for a regressor")
                                .items(new ObjectSchema()
                                        .addProperty(
                                                "label",
                                                new StringSchema()
                                                        ._enum(
                                                                signature
                                                                                .classLabels()
                                                                                .isEmpty()
                                                                        ? null
                                                                        : signature.classLabels()))
                                        .addProperty("display_name", new StringSchema())
                                        .required(List.of("label", "display_name"))))
                .addProperty("class_display_note", new StringSchema())
                .addProperty("output_kind", new StringSchema())
                .addProperty(
                        "fields",
                        new ArraySchema()
                                .description("the per-row fields this model's answers may carry, in the order every"
                                        + " format writes them: each with its key, its type (text, number, integer,"
                                        + " flag, texts, named_numbers with their names, struct or records with"
                                        + " their members) and when a row carries it")
                                .items(new ObjectSchema()
                                        .addProperty("key", new StringSchema())
                                        .addProperty("type", new StringSchema())
                                        .addProperty("names", new ArraySchema().items(new StringSchema()))
                                        .addProperty("members", new ArraySchema().items(new ObjectSchema()))
                                        .addProperty("presence", new StringSchema())
                                        .addProperty("description", new StringSchema())
                                        .required(List.of("key", "type", "presence", "description"))))
                .addProperty(
                        "metrics",
                        new ObjectSchema()
                                .description("as the card holds them: a classifier's "
                                        + "accuracy, per_class, confusion_matrix and for two classes roc and calibration; a regressor's "
                                        + "mae, rmse and r2"))
                .addProperty("data", new ObjectSchema())
                .addProperty("trainer", new ObjectSchema())
                .addProperty(
                        "skipped_rows",
                        new ArraySchema()
                                .description(
                                        "per data file the card was made from with"
                                                + " `card --skip-invalid`, the rows its figures leave out: how many of how many, the first few"
                                                + " with why, and all that as one sentence; empty when the card's figures describe every row")
                                .items(new ObjectSchema()
                                        .addProperty("file", new StringSchema())
                                        .addProperty("rows", new IntegerSchema().format("int64"))
                                        .addProperty("skipped", new IntegerSchema().format("int64"))
                                        .addProperty(
                                                "reasons",
                                                new ArraySchema()
                                                        .items(new ObjectSchema()
                                                                .addProperty("row", new IntegerSchema().format("int64"))
                                                                .addProperty("field", new StringSchema())
                                                                .addProperty("message", new StringSchema())
                                                                .required(List.of("row", "field", "message"))))
                                        .addProperty("sentence", new StringSchema())
                                        .required(List.of("file", "rows", "skipped", "reasons", "sentence"))))
                .addProperty("performance", ref(FeedbackOpenApi.PERFORMANCE))
                .required(List.of("name", "version", "sha256", "task", "inputs", "features", "classes"));
    }
}
