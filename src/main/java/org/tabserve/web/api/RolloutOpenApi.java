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
import java.util.List;
import java.util.Map;
import org.tabserve.web.openapi.DerivedSchemas;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.OpenApi;
import org.tabserve.web.openapi.OpenApiSection;

/**
 * The rollout routes of {@link RolloutHandler} in the OpenAPI document: a model's rollout and its live comparison,
 * and the operators' routes that set, promote and roll it back.
 */
public final class RolloutOpenApi extends OpenApiSection {

    private static final String TAG = "Rollouts";
    private static final String ADMIN = "/admin/models/{model_name}" + RolloutHandler.ADMIN_PATH;
    private static final String STATUS = "RolloutStatus";
    private static final String TOKEN = " Needs `Authorization: Bearer <token>`; off (404) without an admin token.";

    public RolloutOpenApi() {
        super(TAG, "A shadow or canary version of a model beside the one that answers, compared live.");
    }

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        paths.addPathItem(
                "/models/{model_name}" + RolloutHandler.PATH,
                new PathItem()
                        .get(operation(
                                        TAG,
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
        return operation(TAG, id, summary, description + TOKEN).addParametersItem(OpenApi.modelName());
    }
}
