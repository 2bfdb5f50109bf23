package org.tabserve.web.api;

import static org.tabserve.web.openapi.OpenApi.JSON;
import static org.tabserve.web.openapi.OpenApi.body;
import static org.tabserve.web.openapi.OpenApi.ok;
import static org.tabserve.web.openapi.OpenApi.operation;
import static org.tabserve.web.openapi.OpenApi.problems;
import static org.tabserve.web.openapi.OpenApi.ref;
import static org.tabserve.web.openapi.OpenApi.responses;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.OnError;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.FeatureSchemas;
import org.tabserve.web.openapi.OpenApi;
import org.tabserve.web.openapi.OpenApiSection;

/**
 * The original Flask app's routes in the OpenAPI document: {@code /predict} (a row as query parameters, or posted as
 * {@code /api/predict} takes it) and {@code /predict_file} (a CSV upload), answering with {@link PredictOpenApi}'s
 * schemas.
 */
public final class FlaskOpenApi extends OpenApiSection {

    private static final String TAG = "Flask-compatible routes";

    public FlaskOpenApi() {
        super(TAG, null);
    }

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        ModelSignature signature = model.signature();
        Operation query = operation(
                TAG,
                "predictQuery",
                "Predict one row given as query parameters",
                "The original Flask app's route; every feature is a query parameter.");
        for (Feature feature : signature.features()) {
            query.addParametersItem(new Parameter()
                    .in("query")
                    .name(feature.name())
                    .required(true)
                    .allowEmptyValue(feature.missingAllowed() ? Boolean.TRUE : null)
                    .description(FeatureSchemas.description(model.card(), feature))
                    .schema(FeatureSchemas.schema(model.card(), feature)));
        }
        paths.addPathItem(
                model.base() + "/predict",
                new PathItem()
                        .get(query.responses(
                                responses(ok(JSON, ref("Prediction"), "The prediction"), problems(400, 503))))
                        .post(operation(
                                        TAG,
                                        "predictPost",
                                        "Predict from a JSON body, as POST /api/predict does",
                                        "The tutorials' clients post the features as one JSON object to /predict; the body and the "
                                                + "answer are those of /api/predict (a url-encoded form is read as the query is).")
                                .addParametersItem(OpenApi.onError())
                                .requestBody(body(JSON, ref("PredictRequest")))
                                .responses(responses(
                                        ok(
                                                JSON,
                                                ref("PredictResponse"),
                                                "The prediction, or {\"predictions\": [...]} for a batch"),
                                        problems(400, 413, 415, 503)))));
        paths.addPathItem(
                model.base() + "/predict_file",
                new PathItem()
                        .post(operation(
                                        TAG,
                                        "predictFile",
                                        "Predict every row of a CSV upload",
                                        "A multipart field `file` with a CSV: a header row naming the columns (the features "
                                                + signature.featureNames()
                                                + " in any order; other columns are carried through to the CSV "
                                                + "answer), then data rows; or JSON Lines (sent as application/x-ndjson or named *.jsonl: one "
                                                + "object a row, as pandas' to_json(orient=\"records\", lines=True) writes it), answered "
                                                + "alike. Answers JSON, or CSV with `Accept: text/csv` or `?format=csv` (JSON Lines, Arrow IPC, Parquet: "
                                                + "`?format=jsonl|arrow|parquet` or their media types), or "
                                                + "for browsers (`Accept: text/html` or `?format=html`) a page with the first rows and the "
                                                + "full result as a CSV download. A row the model cannot take refuses the whole upload (a 400 "
                                                + "listing every bad value), unless `?on_error=row`: then every row is answered in the file's "
                                                + "order, a bad one with its errors in its place.")
                                .addParametersItem(new Parameter()
                                        .in("query")
                                        .name("format")
                                        .required(false)
                                        .description(
                                                "the answer's format when the Accept header cannot say it (HTML forms)")
                                        .schema(new StringSchema()
                                                ._enum(List.of("json", "csv", "html", "jsonl", "arrow", "parquet"))))
                                .addParametersItem(OpenApi.onError())
                                .requestBody(new RequestBody()
                                        .required(true)
                                        .content(new Content()
                                                .addMediaType(
                                                        "multipart/form-data",
                                                        new MediaType()
                                                                .schema(new ObjectSchema()
                                                                        .addProperty(
                                                                                "file",
                                                                                new StringSchema()
                                                                                        .format("binary")
                                                                                        .description(
                                                                                                "the CSV (or JSON Lines, Arrow IPC stream or file, or Parquet) file"))
                                                                        .addProperty(
                                                                                OnError.PARAMETER,
                                                                                new StringSchema()
                                                                                        ._enum(List.of("reject", "row"))
                                                                                        .description(
                                                                                                "as the query's `on_error` (which comes first): the upload "
                                                                                                        + "form's box sends it"))
                                                                        .addRequiredItem("file")))))
                                .responses(responses(
                                        new ApiResponse()
                                                .description("One answer per data row, in the file's order")
                                                .content(
                                                        new Content()
                                                                .addMediaType(
                                                                        JSON,
                                                                        new MediaType().schema(ref("Predictions")))
                                                                .addMediaType(
                                                                        "text/csv",
                                                                        new MediaType()
                                                                                .schema(new StringSchema()
                                                                                        .description(
                                                                                                csvColumns(model))))
                                                                .addMediaType(
                                                                        "text/html",
                                                                        new MediaType()
                                                                                .schema(
                                                                                        new StringSchema()
                                                                                                .description(
                                                                                                        "a page showing the first rows, with the full CSV to download")))),
                                        problems(400, 413, 415, 503)))));
    }

    /**
     * What a CSV answer's columns are after the input's: the described fields' table columns
     * ({@link AnswerColumn#columns}), looped over in their order.
     */
    private static String csvColumns(DescribedModel model) {
        AnswerShape shape = model.answerShape(true);
        List<String> columns = new ArrayList<>();
        String last = "";
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, true)) {
                continue;
            }
            String column = switch (field) {
                case LABEL, VALUE -> AnswerColumn.columns(field, shape).get(0).name();
                case PROBABILITIES -> "one " + AnswerField.PROBABILITY_PREFIX + "<class> column per class";
                // a table carries none of them
                case DISPLAY_NAME, WARNINGS, EXPLANATION -> null;
                // the columns ?coverage= adds: not in this document yet
                case INTERVAL, PREDICTION_SET, COVERAGE, NOVELTY -> null;
                case ERRORS -> {
                    last = "; with on_error=row, a last column " + AnswerField.ERROR_COLUMN;
                    yield null;
                }
            };
            if (column != null) {
                columns.add(column);
            }
        }
        return "the input columns, then " + String.join(" and ", columns) + last;
    }
}
