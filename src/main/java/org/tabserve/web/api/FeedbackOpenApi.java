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
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Task;
import org.tabserve.serving.feedback.LabelRate;
import org.tabserve.web.http.Routes;
import org.tabserve.web.openapi.DerivedSchemas;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.OpenApi;
import org.tabserve.web.openapi.OpenApiPart;

/**
 * The labels' part of the OpenAPI document, in the plain JSON API's section: {@code /api/feedback}, and the live
 * performance figures ({@link LivePerformanceJson}) that it, {@code /api/model} and {@code /api/models} give.
 */
public final class FeedbackOpenApi implements OpenApiPart {

    /** The schema of the live performance figures, which {@code /api/model} refers to. */
    static final String PERFORMANCE = "LivePerformance";

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        boolean regressor = model.signature().task() == Task.REGRESSION;
        paths.addPathItem(
                model.base() + Routes.FEEDBACK,
                new PathItem()
                        .post(operation(
                                        PredictOpenApi.TAG,
                                        "feedback",
                                        "True labels of earlier answers, for the live "
                                                + (regressor ? "mean absolute error" : "accuracy"),
                                        "One label, or an array of them (at most tabserve.max-batch-rows), each naming an answer of the last"
                                                + " hour by the X-Request-Id it carried and its row (counted from 0 in the answer's order; 0"
                                                + " for a single row); a class by its label or by the name the card gives it. A label no kept"
                                                + " answer has is counted (unknown, or expired when its answer was over an hour old or"
                                                + " dropped for room) and said why in not_joined, never refused; under a canary, a label"
                                                + " joins whichever version answered it. While the shared store (tabserve.shared-state)"
                                                + " does not answer, labels are refused (503, saying so). Labels need"
                                                + " `Authorization: Bearer <the server's tabserve.feedback-token>` (or the admin token);"
                                                + " with neither token set they are refused (403) unless the server opens them"
                                                + " (tabserve.open-feedback). An answer kept for labels is never replaced: a later"
                                                + " answer under its X-Request-Id is not kept. Each client may send "
                                                + String.format(java.util.Locale.ROOT, "%,d", LabelRate.BURST)
                                                + " labels at once, then "
                                                + String.format(java.util.Locale.ROOT, "%,d", LabelRate.PER_SECOND)
                                                + " a second (429 with"
                                                + " Retry-After past it)"
                                                + (regressor
                                                        ? "; a value far outside what the target can honestly be is"
                                                                + " refused alone (refused, named in not_joined), the others"
                                                                + " joined."
                                                        : "."))
                                .requestBody(
                                        body(JSON, OpenApi.oneOf(ref("Label"), new ArraySchema().items(ref("Label")))))
                                .responses(responses(
                                        ok(JSON, ref("FeedbackAnswer"), "What the labels came to"),
                                        problems(400, 401, 403, 413, 415, 429, 503)))));
        Schema<?> label = regressor
                ? new NumberSchema().description("the true value")
                : new StringSchema()
                        ._enum(classesAndNames(model))
                        .description("the true class: its label, or the name the card gives it");
        schemas.put("Label", DerivedSchemas.of(ApiShapes.Label.class).addProperty(FeedbackHandler.LABEL, label));
        Schema<?> answer = DerivedSchemas.of(ApiShapes.FeedbackCounts.class);
        answer.getProperties()
                .get("joined_by_version")
                .additionalProperties(new IntegerSchema().format("int64").description("labels joined"));
        schemas.put("FeedbackAnswer", performance(answer));
        schemas.put(
                PERFORMANCE,
                performance(new ObjectSchema())
                        .description("how the version does now: its card's figure, live from labels of the last"
                                + " hour, and estimated without labels"));
    }

    /** @return the model's class labels, then the names the card gives them where they differ */
    private static List<String> classesAndNames(DescribedModel model) {
        java.util.LinkedHashSet<String> all =
                new java.util.LinkedHashSet<>(model.signature().classLabels());
        for (String each : model.signature().classLabels()) {
            all.add(model.card().displayName(each));
        }
        return List.copyOf(all);
    }

    /** @return {@code object} with the live performance figures ({@link ApiShapes.LivePerformance}) as its own */
    @SuppressWarnings("unchecked")
    static <T extends Schema<?>> T performance(T object) {
        Schema<?> figures = DerivedSchemas.of(ApiShapes.LivePerformance.class);
        ((Schema<Object>) figures.getProperties().get("estimated_from")).addEnumItemObject(null);
        figures.getProperties().forEach(object::addProperty);
        return object;
    }
}
