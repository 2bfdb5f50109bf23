package org.tabserve.web.mlflow;

import static org.tabserve.web.openapi.OpenApi.FEATURE_ROW;
import static org.tabserve.web.openapi.OpenApi.JSON;
import static org.tabserve.web.openapi.OpenApi.ok;
import static org.tabserve.web.openapi.OpenApi.oneOf;
import static org.tabserve.web.openapi.OpenApi.operation;
import static org.tabserve.web.openapi.OpenApi.problems;
import static org.tabserve.web.openapi.OpenApi.ref;
import static org.tabserve.web.openapi.OpenApi.responses;

import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import java.util.List;
import java.util.Map;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.RequestField;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.json.JsonLinesReader;
import org.tabserve.web.openapi.DerivedSchemas;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.FeatureSchemas;
import org.tabserve.web.openapi.OpenApi;
import org.tabserve.web.openapi.OpenApiSection;

/**
 * MLflow's scoring protocol in the OpenAPI document: {@code /invocations} with each of its four input formats typed
 * by the model's features, {@code /ping} and {@code /version}.
 */
public final class MlflowOpenApi extends OpenApiSection {

    private static final String TAG = "MLflow scoring protocol";
    /** The answer's column of predicted labels or values. */
    private static final String PREDICTIONS = "predictions";

    public MlflowOpenApi() {
        super(TAG, "The routes of `mlflow models serve`, for MLflow clients");
    }

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        paths.addPathItem(
                model.base() + InvocationsHandler.PATH,
                new PathItem()
                        .post(operation(
                                        TAG,
                                        "mlflowInvocations",
                                        "Predict a batch in MLflow's scoring format (one model call)",
                                        "JSON with exactly one of dataframe_split, dataframe_records, instances or inputs (and optionally "
                                                + "params, accepted and not used), or a pandas-style CSV with a header (an unnamed first index "
                                                + "column, as DataFrame.to_csv() writes it, is allowed), or JSON Lines (one object a row, as "
                                                + "DataFrame.to_json(orient=\"records\", lines=True) writes it; tabserve's, not MLflow's)."
                                                + " Columns by name: the model takes "
                                                + model.signature().featureNames()
                                                + "; other columns are ignored and named once in warnings."
                                                + " Rows as arrays hold the "
                                                + "values in that order. The answer is the predicted labels (values for a regressor), as MLflow "
                                                + "answers for a scikit-learn model; for probabilities and warnings use /api/predict.")
                                .addParametersItem(OpenApi.onError())
                                .addParametersItem(
                                        OpenApi.explain("as \"params\": {\"explain\": true} does (JSON bodies only)"))
                                .requestBody(
                                        new RequestBody()
                                                .required(true)
                                                .content(
                                                        new Content()
                                                                .addMediaType(
                                                                        JSON,
                                                                        new MediaType().schema(ref("MlflowRequest")))
                                                                .addMediaType(
                                                                        org.tabserve.web.http.request.MediaType.CSV,
                                                                        new MediaType()
                                                                                .schema(
                                                                                        new StringSchema()
                                                                                                .description(
                                                                                                        "a header row naming the columns, then one line per row")))
                                                                .addMediaType(
                                                                        JsonLinesReader.MEDIA_TYPE,
                                                                        new MediaType()
                                                                                .schema(
                                                                                        new StringSchema()
                                                                                                .description(
                                                                                                        "one JSON object a line, keyed by the columns")))
                                                                .addMediaType(
                                                                        org.tabserve.rows.arrow.ArrowRowsReader
                                                                                .MEDIA_TYPE,
                                                                        new MediaType()
                                                                                .schema(
                                                                                        new StringSchema()
                                                                                                .format("binary")
                                                                                                .description(
                                                                                                        "an Arrow IPC stream; answered in Arrow (the answer's columns) for that Accept")))
                                                                .addMediaType(
                                                                        org.tabserve.rows.arrow.ArrowRowsReader
                                                                                .FILE_MEDIA_TYPE,
                                                                        new MediaType()
                                                                                .schema(
                                                                                        new StringSchema()
                                                                                                .format("binary")
                                                                                                .description(
                                                                                                        "an Arrow IPC file (Feather v2), read as the stream it holds")))
                                                                .addMediaType(
                                                                        org.tabserve.rows.parquet.ParquetRowsReader
                                                                                .MLFLOW_MEDIA_TYPE,
                                                                        new MediaType()
                                                                                .schema(
                                                                                        new StringSchema()
                                                                                                .format("binary")
                                                                                                .description(
                                                                                                        "a Parquet file, as MLflow's scoring server takes it (application/vnd.apache.parquet too); answered in Parquet (the answer's columns) for Accept: application/vnd.apache.parquet")))))
                                .responses(responses(
                                        ok(JSON, ref("MlflowPredictions"), "One predicted label per row, in order"),
                                        problems(400, 413, 415, 503)))));
        paths.addPathItem(
                MlflowPingHandler.PING,
                new PathItem()
                        .get(operation(
                                        TAG,
                                        "mlflowPing",
                                        "Health check: 200 once the model is loaded",
                                        "The body is a single line break, as MLflow's.")
                                .responses(responses(
                                        ok("text/plain", new StringSchema(), "The model is loaded"), problems(503)))));
        paths.addPathItem(
                MlflowPingHandler.HEALTH,
                new PathItem()
                        .get(operation(
                                        TAG,
                                        "mlflowHealth",
                                        "Health check, MLflow's alias of /ping",
                                        "The body is a single line break, as MLflow's.")
                                .responses(responses(
                                        ok("text/plain", new StringSchema(), "The model is loaded"), problems(503)))));
        paths.addPathItem(
                MlflowPingHandler.VERSION,
                new PathItem()
                        .get(operation(
                                        TAG,
                                        "mlflowVersion",
                                        "The server's version (tabserve's, where MLflow's server says MLflow's)",
                                        null)
                                .responses(responses(ok("text/plain", new StringSchema(), "The version")))));
        schemas(model, schemas);
    }

    @SuppressWarnings("rawtypes")
    private static void schemas(DescribedModel model, Map<String, Schema> schemas) {
        ModelSignature signature = model.signature();
        ObjectSchema record = new ObjectSchema();
        record.description("One row: the model's features by name; other columns are ignored");
        ObjectSchema columns = new ObjectSchema();
        columns.description("Columns: the model's features by name, each an array with one value per row, all of one "
                + "length; other columns are ignored");
        for (Feature feature : signature.features()) {
            record.addProperty(feature.name(), FeatureSchemas.schema(model.card(), feature));
            record.addRequiredItem(feature.name());
            columns.addProperty(feature.name(), new ArraySchema().items(FeatureSchemas.schema(model.card(), feature)));
            columns.addRequiredItem(feature.name());
        }
        schemas.put("MlflowRecord", record);
        schemas.put("MlflowWarning", DerivedSchemas.of(MlflowShapes.Warning.class));
        schemas.put("MlflowColumns", columns);
        schemas.put(
                "MlflowDataframeSplit",
                new ObjectSchema()
                        .description("pandas' split orientation")
                        .addProperty(
                                "columns",
                                new ArraySchema().items(new StringSchema()).description("the column names"))
                        .addProperty(
                                "data",
                                new ArraySchema()
                                        .items(new ArraySchema().items(new Schema<>()))
                                        .description("one array per row, its values in the order of columns"))
                        .addProperty(
                                "index", new ArraySchema().items(new Schema<>()).description("row labels; not used"))
                        .required(List.of("columns", "data"))
                        .additionalProperties(false));
        schemas.put(
                "MlflowTensorInput",
                oneOf(new ArraySchema().items(oneOf(ref("MlflowRecord"), ref(FEATURE_ROW))), ref("MlflowColumns")));
        Schema<?> params = DerivedSchemas.of(MlflowShapes.Params.class);
        schemas.put(
                "MlflowRequest",
                oneOf(
                        format(MlflowRequestParser.DATAFRAME_SPLIT, ref("MlflowDataframeSplit"), params),
                        format(
                                MlflowRequestParser.DATAFRAME_RECORDS,
                                new ArraySchema().items(ref("MlflowRecord")).description("pandas' records orientation"),
                                params),
                        format(MlflowRequestParser.INSTANCES, ref("MlflowTensorInput"), params),
                        format(MlflowRequestParser.INPUTS, ref("MlflowTensorInput"), params)));
        schemas.put("MlflowPredictions", predictions(model));
    }

    /**
     * The answer: a column of each described per-row field MLflow's answer carries ({@link AnswerField}), looped over
     * in their order, then the body's warnings; no request-level field ({@link RequestField}) is in its body.
     */
    private static Schema<?> predictions(DescribedModel model) {
        ModelSignature signature = model.signature();
        AnswerShape shape = model.answerShape(true);
        ObjectSchema predictions = new ObjectSchema();
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, true)) {
                continue;
            }
            Map.Entry<String, Schema<?>> property = switch (field) {
                case LABEL ->
                    Map.entry(
                            PREDICTIONS,
                            new ArraySchema()
                                    .items(new StringSchema()
                                            ._enum(signature.classLabels())
                                            .nullable(true))
                                    .description(
                                            "the predicted class label of each row (null for a bad row, with ?on_error=row)"));
                case VALUE ->
                    Map.entry(
                            PREDICTIONS,
                            new ArraySchema()
                                    .items(new NumberSchema().nullable(true))
                                    .description(
                                            "the predicted value of each row (null for a bad row, with ?on_error=row)"));
                // as MLflow answers for a scikit-learn model: the prediction alone (/api/predict has the rest)
                case DISPLAY_NAME, PROBABILITIES -> null;
                // said once for the whole body with their rows, after the rows' columns (below)
                case WARNINGS -> null;
                case EXPLANATION ->
                    Map.entry(
                            "explanations",
                            new ArraySchema()
                                    .items(ref("Explanation").nullable(true))
                                    .description(
                                            "when asked (params.explain or ?explain=true), each row's explanation in order, null for a bad"
                                                    + " row; absent otherwise"));
                // with a coverage each row is a record of its columns (MlflowColumns): not in this document yet
                case INTERVAL, PREDICTION_SET, COVERAGE, NOVELTY -> null;
                // likewise any other field, a column of a record with a coverage (MlflowColumns)
                default -> null;
                case ERRORS ->
                    Map.entry(
                            field.key(),
                            new ArraySchema()
                                    .items(ref("FieldProblem"))
                                    .description(
                                            "with ?on_error=row,"
                                                    + " the problems of the rows that could not be scored, each with its row; absent when none"));
            };
            if (property != null) {
                predictions.addProperty(property.getKey(), property.getValue());
            }
        }
        // MLflow's answer is its own shape: no request-level field is in its body (the version that answered is in
        // X-Model-Version alone)
        return predictions
                .addProperty(
                        "warnings",
                        new ArraySchema()
                                .items(ref("MlflowWarning"))
                                .description("the columns sent"
                                        + " that the model does not take, ignored, each named once; then what was done to rows' values"
                                        + " (a missing text cell taken as the card's category, an unknown category), each said once"
                                        + " with its rows; absent when there is nothing to say"))
                .addRequiredItem(PREDICTIONS)
                .additionalProperties(false);
    }

    /** One of the request's formats: that key, and optionally params. */
    private static Schema<?> format(String key, Schema<?> value, Schema<?> params) {
        return new ObjectSchema()
                .addProperty(key, value)
                .addProperty(MlflowRequestParser.PARAMS, params)
                .addRequiredItem(key)
                .additionalProperties(false);
    }
}
