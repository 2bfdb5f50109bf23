package org.tabserve.web.api;

import static org.tabserve.web.openapi.OpenApi.JSON;
import static org.tabserve.web.openapi.OpenApi.body;
import static org.tabserve.web.openapi.OpenApi.ok;
import static org.tabserve.web.openapi.OpenApi.operation;
import static org.tabserve.web.openapi.OpenApi.problems;
import static org.tabserve.web.openapi.OpenApi.ref;
import static org.tabserve.web.openapi.OpenApi.responses;

import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.Map;
import org.tabserve.web.openapi.DerivedSchemas;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.OpenApi;
import org.tabserve.web.openapi.OpenApiSection;

/**
 * The operators' routes of {@link AdminModelHandler} in the OpenAPI document: swapping the served model and
 * installing one by name.
 */
public final class AdminOpenApi extends OpenApiSection {

    private static final String TAG = "Administration";
    private static final String ONNX_BODY = "application/octet-stream";

    public AdminOpenApi() {
        super(TAG, null);
    }

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        paths.addPathItem(
                AdminModelHandler.PATH,
                new PathItem()
                        .post(operation(
                                        TAG,
                                        "swapModel",
                                        "Swap the served model (operators only)",
                                        "The body is the new ONNX file. It is loaded, warmed up and checked to take the same features and give "
                                                + "the same classes, in the same order, as the served model; then it is swapped in atomically "
                                                + "(requests in flight finish on the old one). Off (404) unless the server has an admin token "
                                                + "(tabserve.admin-token); then it needs `Authorization: Bearer <token>`. Under --models it replaces "
                                                + "the default model, under that model's name; a server with no default model takes a model "
                                                + "whose card or graph names it (else 409: install it by name with PUT /admin/models/{name}).")
                                .requestBody(body(ONNX_BODY, new StringSchema().format("binary")))
                                .responses(responses(
                                        ok(JSON, ref("ModelSwapped"), "The new model serves"),
                                        problems(401, 403, 404, 409, 413, 415, 422, 503)))));
        paths.addPathItem(
                AdminModelHandler.MODELS_PATH + "/{model_name}",
                new PathItem()
                        .put(operation(
                                        TAG,
                                        "installModel",
                                        "Install a model by name into the model directory and serve it (operators only)",
                                        "The body is the ONNX file. It is written into the --models directory (so that it survives a restart), "
                                                + "where that name is served from (a new version in Triton's layout, the model's file in "
                                                + "KServe's, else <name>.onnx), never outside the directory (409 otherwise), loaded and served. Needs "
                                                + "`Authorization: Bearer <token>`; off (404) without an admin token.")
                                .addParametersItem(OpenApi.modelName())
                                .requestBody(body(ONNX_BODY, new StringSchema().format("binary")))
                                .responses(responses(
                                        ok(JSON, ref("ModelInstalled"), "The model serves"),
                                        problems(400, 401, 403, 404, 409, 413, 415, 422)))));
        paths.addPathItem(
                AdminModelHandler.MODELS_PATH + "/{model_name}" + AdminModelHandler.RELOAD,
                new PathItem()
                        .post(operation(
                                        TAG,
                                        "reloadModel",
                                        "Read a model again now, even when its files look unchanged (operators only)",
                                        "Its files are read again (from an s3:// store, downloaded again with their digests checked) "
                                                + "and every version loaded afresh; a version that serves keeps serving until its new load is "
                                                + "ready, or when that fails, which the version's reason says. Needs "
                                                + "`Authorization: Bearer <token>`; off (404) without an admin token.")
                                .addParametersItem(OpenApi.modelName())
                                .responses(responses(
                                        ok(JSON, ref("ModelReloaded"), "The model's versions as they are now"),
                                        problems(400, 401, 403, 404, 503)))));
        schemas.put("ModelReloaded", DerivedSchemas.of(ApiShapes.ModelReloaded.class));
        schemas.put("ModelInstalled", DerivedSchemas.of(ApiShapes.ModelInstalled.class));
        schemas.put("ModelSwapped", DerivedSchemas.of(ApiShapes.ModelSwapped.class));
    }
}
