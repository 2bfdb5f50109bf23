package org.tabserve.web.openapi;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.conformal.Conformal;

/**
 * The builders every {@link OpenApiPart} writes its routes with, so that an operation, a JSON body, a 200 and the
 * error answers (RFC 9457 problems, each status with one description) are spelled one way in the whole document.
 */
public final class OpenApi {

    /** The JSON media type. */
    public static final String JSON = "application/json";
    /** The schema of one row by feature name, shared by every protocol that takes rows as objects. */
    public static final String FEATURES = "Features";
    /** The schema of one row as values in the model's feature order. */
    public static final String FEATURE_ROW = "FeatureRow";
    /** The schema of an RFC 9457 problem, the error answer of every route outside v2. */
    public static final String PROBLEM = "Problem";

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String REF = "#/components/schemas/";

    private OpenApi() {}

    /** An operation of a tag; {@code description} may be null. */
    public static Operation operation(String tag, String id, String summary, String description) {
        return new Operation().addTagsItem(tag).operationId(id).summary(summary).description(description);
    }

    /** A reference to one of the document's schemas by name. */
    public static Schema<?> ref(String name) {
        return new Schema<>().$ref(REF + name);
    }

    /** A coverage as every route takes it: a number from the smallest to the largest a calibration answers. */
    public static Schema<?> coverage() {
        return new NumberSchema()
                .format("double")
                .minimum(BigDecimal.valueOf(Conformal.MIN_COVERAGE))
                .maximum(BigDecimal.valueOf(Conformal.MAX_COVERAGE));
    }

    /** Exactly one of the choices. */
    public static Schema<?> oneOf(Schema<?>... choices) {
        return new ComposedSchema().oneOf(List.of(choices));
    }

    /** A content of one media type. */
    public static Content content(String mediaType, Schema<?> schema) {
        return new Content().addMediaType(mediaType, new MediaType().schema(schema));
    }

    /** A required body of one media type. */
    public static RequestBody body(String mediaType, Schema<?> schema) {
        return new RequestBody().required(true).content(content(mediaType, schema));
    }

    /** The 200 answer with one media type. */
    public static Map<String, ApiResponse> ok(String mediaType, Schema<?> schema, String description) {
        return Map.of("200", new ApiResponse().description(description).content(content(mediaType, schema)));
    }

    /** The answers of an operation: each group's statuses in order. */
    @SafeVarargs
    public static ApiResponses responses(Map<String, ApiResponse>... groups) {
        ApiResponses responses = new ApiResponses();
        for (Map<String, ApiResponse> group : groups) {
            group.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> responses.addApiResponse(e.getKey(), e.getValue()));
        }
        return responses;
    }

    /** The answers of an operation whose 200 is {@code ok}, then the {@code errors}. */
    public static ApiResponses responses(ApiResponse ok, Map<String, ApiResponse> errors) {
        return responses(Map.of("200", ok), errors);
    }

    /** Error answers as RFC 9457 problems ({@value #PROBLEM}). */
    public static Map<String, ApiResponse> problems(int... statuses) {
        return errors(PROBLEM_JSON, PROBLEM, statuses);
    }

    /** Error answers of a protocol's own shape: {@code schema} in {@code mediaType}. */
    public static Map<String, ApiResponse> errors(String mediaType, String schema, int... statuses) {
        Map<String, ApiResponse> responses = new LinkedHashMap<>();
        for (int status : statuses) {
            responses.put(
                    String.valueOf(status),
                    new ApiResponse().description(describe(status)).content(content(mediaType, ref(schema))));
        }
        return responses;
    }

    private static String describe(int status) {
        return switch (status) {
            case 400 -> "Invalid input; every bad field is listed";
            case 401 -> "No bearer token (WWW-Authenticate says which scheme)";
            case 403 -> "Wrong admin token";
            case 404 -> "Unknown model or version, or (for /admin/model) the route is off";
            case 422 ->
                "The new model was refused (unreadable, failed its warm-up, or incompatible); the old one still serves";
            case 413 -> "The body or batch is larger than the server's limits";
            case 415 -> "Wrong Content-Type";
            case 429 -> "This client has sent more than its share; Retry-After says when to try again";
            case 503 ->
                "No model is loaded, or the server is already serving as many requests as it serves at once "
                        + "(tabserve.max-concurrent-requests); Retry-After says when to try again";
            default -> "Error " + status;
        };
    }

    /** The path parameter {@code model_name}: any served model. */
    public static Parameter modelName() {
        return new Parameter()
                .in("path")
                .name("model_name")
                .required(true)
                .description("a served model's name (GET /api/models lists them)")
                .schema(new StringSchema().pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"));
    }

    /** The query parameter {@code on_error} of every batch route: what a batch does with its bad rows. */
    public static Parameter onError() {
        return new Parameter()
                .in("query")
                .name(org.tabserve.rows.field.OnError.PARAMETER)
                .required(false)
                .description(
                        "What a batch does with rows that cannot be scored: 'reject' (the default, the same on"
                                + " every batch route) refuses the batch with a 400 listing every bad value; 'row' answers every"
                                + " row in order, a bad one in its place: in JSON {\"errors\": [{\"field\", \"message\","
                                + " \"row\"}]} (MLflow's /invocations: null, with the problems under \"errors\"), in CSV empty"
                                + " answer columns and the problems in a last column `error`. A lone row is refused either way.")
                .schema(new StringSchema()._enum(List.of("row", "reject"))._default("reject"));
    }

    /**
     * The query parameter {@code explain} of the routes that explain their answers when asked.
     *
     * @param alike how else the request may ask, e.g. {@code as "explain": true in the body does}
     */
    public static Parameter explain(String alike) {
        return new Parameter()
                .in("query")
                .name("explain")
                .required(false)
                .description("true adds each answered row's explanation, " + alike + "; false (the default) leaves it"
                        + " out, unless the body asks")
                .schema(new io.swagger.v3.oas.models.media.BooleanSchema()._default(false));
    }

    /** The schemas every document has, which any part may refer to: the rows of features and the problem. */
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    static void addSharedSchemas(DescribedModel model, Map<String, Schema> schemas) {
        schemas.put(FEATURES, FeatureSchemas.byName(model));
        schemas.put(FEATURE_ROW, FeatureSchemas.inOrder(model));
        schemas.put("FieldProblem", DerivedSchemas.of(ProblemShapes.FieldProblem.class));
        schemas.put("RowErrors", DerivedSchemas.of(ProblemShapes.RowErrors.class));
        schemas.put(PROBLEM, DerivedSchemas.of(ProblemShapes.Problem.class));
    }
}
