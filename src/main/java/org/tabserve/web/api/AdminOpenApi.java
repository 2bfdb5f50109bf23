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
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import java.util.Map;
import org.tabserve.web.openapi.DerivedSchemas;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.OpenApi;
import org.tabserve.web.openapi.OpenApiPart;

/**
 * The operators' sections of the OpenAPI document: the routes of {@link AdminModelHandler} (swapping the served model,
 * installing one by name, reloading one) and those of {@link RolloutHandler} (a model's rollout and its live
 * comparison, and the operators' routes that set, promote and roll it back).
 */
public final class AdminOpenApi implements OpenApiPart {

    private static final String TAG = "Administration";
    private static final String ROLLOUTS = "Rollouts";
    private static final String ONNX_BODY = "application/octet-stream";
    private static final String ADMIN = "/admin/models/{model_name}" + RolloutHandler.ADMIN_PATH;
    private static final String STATUS = "RolloutStatus";
    private static final String TOKEN = " Needs `Authorization: Bearer <token>`; off (404) without an admin token.";

    @Override
    public List<Tag> tags() {
        return List.of(
                new Tag().name(TAG),
                new Tag()
                        .name(ROLLOUTS)
                        .description("A shadow or canary version of a model beside the one that answers, compared"
                                + " live."));
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
        rollouts(paths, schemas);
    }

    /** The rollout routes and their schemas. */
    @SuppressWarnings("rawtypes")
    private static void rollouts(Paths paths, Map<String, Schema> schemas) {
        paths.addPathItem(
                "/models/{model_name}" + RolloutHandler.PATH,
                new PathItem()
                        .get(operation(
                                        ROLLOUTS,
                                        "getRollout",
                                        "A model's rollout and the live comparison of its versions",
                                        "Which version answers unversioned requests (`serving`), the rollout as configured, and for the shadow"
                                                + " and the canary (null when there is none) the rows compared on both versions, the share of"
                                                + " equal labels, the difference of the answers (the largest class-probability or value gap"
                                                + " per row: mean, p50, p99), each version's scoring time and errors, and the rows they differ"
                                                + " most on: their difference for anyone, their answers and inputs only with"
                                                + " `Authorization: Bearer <admin token>` (never a masked column); a wrong token is refused.")
                                .addParametersItem(OpenApi.modelName())
                                .responses(responses(ok(JSON, ref(STATUS), "The rollout"), problems(401, 403, 404)))));
        paths.addPathItem(
                ADMIN,
                new PathItem()
                        .put(admin(
                                        "setRollout",
                                        "Set a model's rollout (operators only)",
                                        "The body is the rollout, as in the model's rollout.json: `serving` (a version), `promoted_from` (the"
                                                + " version a promote replaced), `shadow` ({version,"
                                                + " sample}) and `canary` ({version, percent, sample}). Kept in rollout.json when the model has"
                                                + " a directory of its own. A version that is not ready, or one that takes other features or"
                                                + " gives other classes, is refused (422).")
                                .requestBody(body(JSON, ref("Rollout")))
                                .responses(responses(
                                        ok(JSON, ref(STATUS), "The rollout as set"),
                                        problems(400, 401, 403, 404, 413, 415, 422)))));
        paths.addPathItem(
                ADMIN + "/promote",
                new PathItem()
                        .post(admin(
                                        "promoteRollout",
                                        "Make the shadow or canary the version that answers (operators only)",
                                        "Pins the candidate as `serving`, keeps the version it replaced as `promoted_from` (so that a"
                                                + " rollback on any replica undoes it) and ends the rollout; no file is deleted.")
                                .responses(
                                        responses(ok(JSON, ref(STATUS), "Promoted"), problems(401, 403, 404, 422)))));
        paths.addPathItem(
                ADMIN + "/rollback",
                new PathItem()
                        .post(admin(
                                        "rollbackRollout",
                                        "End the rollout, keeping the version that answered (operators only)",
                                        "Pins the version that answered beside the candidate as `serving`, so that a higher candidate does"
                                                + " not start answering everything; just after a promote, pins the version that served before"
                                                + " it (its `promoted_from`), undoing the promote. With nothing to roll back (no shadow, canary or"
                                                + " promote) it is refused (422), saying how to choose the serving version.")
                                .responses(responses(
                                        ok(JSON, ref(STATUS), "Rolled back"), problems(401, 403, 404, 422)))));
        schemas.put("Rollout", DerivedSchemas.of(ApiShapes.Rollout.class));
        Schema<?> status = DerivedSchemas.of(ApiShapes.RolloutStatus.class);
        for (String candidate : List.of("shadow", "canary")) {
            status.addProperty(
                    candidate,
                    DerivedSchemas.of(ApiShapes.Comparison.class)
                            .nullable(true)
                            .description("the " + candidate + " and its comparison, or null"));
        }
        schemas.put(STATUS, status);
    }

    private static Operation admin(String id, String summary, String description) {
        return operation(ROLLOUTS, id, summary, description + TOKEN).addParametersItem(OpenApi.modelName());
    }
}
