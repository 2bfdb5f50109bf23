package org.tabserve.web.api;

import static org.tabserve.web.openapi.OpenApi.FEATURES;
import static org.tabserve.web.openapi.OpenApi.FEATURE_ROW;
import static org.tabserve.web.openapi.OpenApi.JSON;
import static org.tabserve.web.openapi.OpenApi.body;
import static org.tabserve.web.openapi.OpenApi.coverage;
import static org.tabserve.web.openapi.OpenApi.ok;
import static org.tabserve.web.openapi.OpenApi.oneOf;
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
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.RequestField;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Task;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.rows.answerjson.ExplanationJson;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.serving.explanations.RowExplanations;
import org.tabserve.web.http.Routes;
import org.tabserve.web.openapi.DerivedSchemas;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.FieldSchemas;
import org.tabserve.web.openapi.OpenApi;
import org.tabserve.web.openapi.OpenApiSection;
import org.tabserve.web.openapi.SourceSchemas;

/**
 * The plain JSON API's part of the OpenAPI document: {@code /api/predict} with the request and answer schemas the
 * Flask routes share (a row's explanation among them: its method, the quantity explained and each input column's
 * Shapley value), and the health routes of its section; the model's description is {@link ModelApiOpenApi}'s.
 */
public final class PredictOpenApi extends OpenApiSection {

    /** The section of the plain JSON API. */
    static final String TAG = "tabserve API";

    public PredictOpenApi() {
        super(TAG, null);
    }

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        ModelSignature signature = model.signature();
        paths.addPathItem(
                model.base() + Routes.API_PREDICT,
                new PathItem()
                        .post(operation(
                                        TAG,
                                        "predict",
                                        "Predict one row, or a batch of rows (one model call)",
                                        "One object of the model's features by name, or {\"instances\": [...]} (or that list alone, as pandas'"
                                                + " to_json(orient=\"records\") writes it) whose items are such objects"
                                                + (signature.inputs().size() == 1
                                                        ? " or arrays of " + signature.featureCount()
                                                                + " values in the model's feature order "
                                                                + signature.featureNames()
                                                        : "")
                                                + "; or pandas' to_json(orient=\"split\"), {\"columns\": [...], \"data\":"
                                                + " [[...]]} with or without \"index\". "
                                                + (signature.task() == Task.REGRESSION
                                                        ? "A regressor: each answer is {\"value\", \"warnings\"}."
                                                        : "Each answer is the label, its display name, every class's probability and warnings.")
                                                + " With \"explain\": true at the body's top level (beside the features or \"instances\"), or"
                                                + " ?explain=true, each answered row also carries its \"explanation\": how much each input"
                                                + " moved the answer from the mean over the card's background sample (Shapley values; at most "
                                                + RowExplanations.MAX_ROWS
                                                + " rows per request; a model whose card has no background sample"
                                                + " answers 400 naming explain, saying how to add one).")
                                .addParametersItem(OpenApi.onError())
                                .addParametersItem(OpenApi.explain("as \"explain\": true in the body does"))
                                .requestBody(body(JSON, ref("PredictRequest")))
                                .responses(responses(
                                        ok(
                                                JSON,
                                                ref("PredictResponse"),
                                                "The prediction, or {\"predictions\": [...]} for a batch"),
                                        problems(400, 413, 415, 503)))));
        paths.addPathItem(
                "/health/live",
                new PathItem()
                        .get(operation(TAG, "live", "Liveness: the process answers", null)
                                .responses(responses(ok(JSON, ref("Live"), "Alive")))));
        paths.addPathItem(
                "/health/ready",
                new PathItem()
                        .get(operation(
                                        TAG,
                                        "ready",
                                        "Readiness: every model loaded or failed, one serving, not draining before a stop",
                                        null)
                                .responses(responses(ok(JSON, ref("Ready"), "Ready"), problems(503)))));
        requestSchemas(schemas);
        answerSchemas(model, schemas);
        schemas.put("Live", DerivedSchemas.of(ApiShapes.Live.class));
        schemas.put("Ready", DerivedSchemas.of(ApiShapes.Ready.class));
    }

    /** One row by name, or a batch of rows by name or in order. */
    @SuppressWarnings("rawtypes")
    private static void requestSchemas(Map<String, Schema> schemas) {
        Schema<?> instance = oneOf(ref(FEATURES), ref(FEATURE_ROW));
        schemas.put(
                "Instances",
                new ObjectSchema()
                        .addProperty("instances", new ArraySchema().minItems(1).items(instance))
                        .addProperty(
                                ExplainField.NAME,
                                new BooleanSchema()
                                        ._default(false)
                                        .description(
                                                "whether to"
                                                        + " explain each row (also allowed at the top level of a lone row's object)"))
                        .addProperty(
                                CoverageField.NAME,
                                coverage()
                                        .description("how often each row's interval or"
                                                + " prediction set must hold the truth (also allowed at the top level of a lone row's object,"
                                                + " or as ?coverage=); needs the card's conformal calibration"))
                        .addRequiredItem("instances")
                        .additionalProperties(false));
        // pandas as it sends: to_json(orient="records") is the instances themselves; orient="split" names its columns.
        schemas.put(
                "Records",
                new ArraySchema()
                        .minItems(1)
                        .items(instance)
                        .description("the rows themselves, as pandas' to_json(orient=\"records\") writes them"));
        schemas.put(
                "Split",
                new ObjectSchema()
                        .description(
                                "pandas' to_json(orient=\"split\"): the rows by column name, columns the model does"
                                        + " not take ignored; with or without \"index\" (one value per row)")
                        .addProperty(
                                "columns",
                                new ArraySchema()
                                        .minItems(1)
                                        .items(new StringSchema())
                                        .uniqueItems(true))
                        .addProperty(
                                "data", new ArraySchema().minItems(1).items(new ArraySchema().items(new Schema<>())))
                        .addProperty("index", new ArraySchema().items(new Schema<>()))
                        .addProperty(ExplainField.NAME, new BooleanSchema()._default(false))
                        .addProperty(CoverageField.NAME, coverage())
                        .addRequiredItem("columns")
                        .addRequiredItem("data")
                        .additionalProperties(false));
        schemas.put("PredictRequest", oneOf(ref(FEATURES), ref("Instances"), ref("Records"), ref("Split")));
    }

    /** The version that answered, which an answer names while its model has a canary (either may answer). */
    /** Every class's probability by class label, each with its display name. */
    private static ObjectSchema probabilities(DescribedModel model) {
        ObjectSchema probabilities = new ObjectSchema();
        probabilities.description("The probability of every class, by class label");
        for (String label : model.signature().classLabels()) {
            probabilities.addProperty(
                    label,
                    new NumberSchema()
                            .format("double")
                            .minimum(BigDecimal.ZERO)
                            .maximum(BigDecimal.ONE)
                            .description("probability of class " + label + " ("
                                    + model.card().displayName(label) + ")"));
            probabilities.addRequiredItem(label);
        }
        probabilities.additionalProperties(false);
        return probabilities;
    }

    /**
     * One prediction (a classifier's label and probabilities, or a regressor's value, with warnings), or a batch: a
     * row's properties are the described fields it may carry ({@link AnswerField}), looped over in their order, those
     * every answer carries required; the answer's are the request-level fields a body carries ({@link RequestField}).
     */
    @SuppressWarnings("rawtypes")
    private static void answerSchemas(DescribedModel model, Map<String, Schema> schemas) {
        ModelSignature signature = model.signature();
        Schema<?> warnings = new ArraySchema()
                .items(ref("RangeWarning"))
                .description("values outside the range the "
                        + "model saw in training and categories it has not seen (empty when none): treat the answer with care;"
                        + " for a lone row, also the fields sent that the model does not take, ignored");
        AnswerShape shape = model.answerShape(true);
        AnswerShape always = model.answerShape(false);
        ObjectSchema prediction = new ObjectSchema();
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, true)) {
                continue;
            }
            Schema<?> schema = switch (field) {
                case LABEL -> new StringSchema()._enum(signature.classLabels()).description("the predicted class");
                case DISPLAY_NAME ->
                    new StringSchema().description("the class's name for people: " + model.classesText());
                case PROBABILITIES -> {
                    schemas.put("Probabilities", probabilities(model));
                    yield ref("Probabilities");
                }
                case VALUE -> new NumberSchema().format("double").description(field.description());
                case WARNINGS -> warnings;
                case EXPLANATION -> ref("Explanation");
                case INTERVAL -> DerivedSchemas.of(ApiShapes.Interval.class);
                case PREDICTION_SET ->
                    new ArraySchema()
                            .items(new StringSchema()._enum(signature.classLabels()))
                            .description(
                                    "Only when asked (coverage): the classes"
                                            + " that hold the true one at least that often, in class order; possibly none or all");
                // a regressor's is in its interval
                case COVERAGE -> shape.classifies() ? coverage() : null;
                case NOVELTY -> ref("Novelty");
                // a bad row of a batch is answered by its errors in its place (RowErrors, beside Prediction)
                case ERRORS -> null;
                // a field with no words of its own here: by its type
                default -> FieldSchemas.of(field.type(shape)).description(field.description());
            };
            if (schema != null) {
                prediction.addProperty(field.key(), schema);
            }
            if (field.present(always, false)) {
                prediction.addRequiredItem(field.key());
            }
        }
        schemas.put("Prediction", SourceSchemas.requestFields(prediction).additionalProperties(false));
        if (signature.probabilityNote() != null) {
            prediction.addProperty(PredictionJson.PROBABILITIES_NOTE, probabilityNote(signature));
        }
        schemas.put("Novelty", DerivedSchemas.of(ApiShapes.Novelty.class));
        schemas.put("Explanation", explanation(signature));
        schemas.put("RangeWarning", DerivedSchemas.of(ApiShapes.RangeWarning.class));
        ObjectSchema predictions = new ObjectSchema();
        schemas.put(
                "Predictions",
                predictions
                        .addProperty(
                                "predictions",
                                new ArraySchema()
                                        .items(oneOf(ref("Prediction"), ref("RowErrors")))
                                        .description(
                                                "one answer per row, in order; with ?on_error=row a bad row's errors in its place"))
                        .addProperty(
                                "warnings",
                                new ArraySchema()
                                        .items(ref("RangeWarning"))
                                        .description("the fields sent that"
                                                + " the model does not take, ignored, and the text inputs sent numbers, taken as their text,"
                                                + " each named once; absent when there are none"))
                        .addRequiredItem("predictions"));
        SourceSchemas.requestFields(predictions).additionalProperties(false);
        if (signature.probabilityNote() != null) {
            predictions.addProperty(PredictionJson.PROBABILITIES_NOTE, probabilityNote(signature));
        }
        schemas.put("PredictResponse", oneOf(ref("Prediction"), ref("Predictions")));
    }

    /** {@link PredictionJson#PROBABILITIES_NOTE}, described only for a model whose probabilities tabserve makes. */
    private static StringSchema probabilityNote(ModelSignature signature) {
        StringSchema note = new StringSchema();
        note.description("what the probabilities are: " + signature.probabilityNote());
        return note;
    }

    /** A row's explanation ({@link ExplanationJson}), with a contribution for every input column. */
    private static Schema<?> explanation(ModelSignature signature) {
        boolean classifier = signature.task() != Task.REGRESSION;
        String output = classifier
                ? "the predicted class's probability or margin (explained says which)"
                : "the predicted value";
        ObjectSchema contributions = new ObjectSchema();
        contributions.description("each input column's Shapley value: how far it moved " + output
                + " from base_value; base_value plus all of them is output");
        for (String feature : signature.featureNames()) {
            contributions.addProperty(feature, new NumberSchema().format("double"));
            contributions.addRequiredItem(feature);
        }
        contributions.additionalProperties(false);
        ObjectSchema errors = new ObjectSchema();
        errors.description("permutation only: each input column's standard error of its contribution (the estimate"
                + " is within two of them of the exact value about 95 % of the time)");
        for (String feature : signature.featureNames()) {
            errors.addProperty(feature, new NumberSchema().format("double").minimum(BigDecimal.ZERO));
            errors.addRequiredItem(feature);
        }
        errors.additionalProperties(false);
        ObjectSchema explanation = new ObjectSchema();
        explanation.description("Only when asked (explain). Interventional Shapley values of " + output
                + " against the card's background sample of training rows");
        explanation
                .addProperty(
                        "method",
                        new StringSchema()
                                ._enum(Explanation.METHODS)
                                .description(
                                        "tree: exact, from a tree ensemble's trees (interventional TreeSHAP); linear: exact, from a"
                                                + " linear model's weights; exact: every coalition of the columns (up to 10 columns);"
                                                + " permutation: beyond, estimated from seeded antithetic pairs of permutations at a"
                                                + " fixed cost of about " + Explainer.SAMPLED_MODEL_ROWS
                                                + " model rows, with each"
                                                + " column's standard error; its contributions still add up"))
                .addProperty(
                        "explained",
                        new StringSchema()
                                ._enum(
                                        classifier
                                                ? List.of(Explanation.PROBABILITY, Explanation.MARGIN)
                                                : List.of(Explanation.VALUE))
                                .description(
                                        "the quantity explained: the predicted class's probability, its margin (raw"
                                                + " score before the sigmoid or softmax), or a regressor's value"))
                .addProperty(
                        "base_value",
                        new NumberSchema()
                                .format("double")
                                .description("the mean of " + output + " over the background rows"))
                .addProperty("output", new NumberSchema().format("double").description(output + " for this row"))
                .addProperty("contributions", contributions)
                .addProperty("background_rows", new IntegerSchema().minimum(BigDecimal.ONE))
                .addProperty(ExplanationJson.STANDARD_ERRORS, errors)
                .addProperty("permutations", new IntegerSchema().description("permutation only: how many were sampled"))
                .addProperty(
                        "standard_error",
                        new NumberSchema()
                                .format("double")
                                .description("permutation only: the" + " largest of standard_errors"));
        List<String> required = new java.util.ArrayList<>(
                List.of("method", "explained", "base_value", "output", "contributions", "background_rows"));
        if (classifier) {
            explanation.addProperty(
                    "class",
                    new StringSchema()
                            ._enum(signature.classLabels())
                            .description("the class whose probability or margin is explained: the predicted one"));
            required.add(2, "class");
        }
        return explanation.required(required).additionalProperties(false);
    }
}
