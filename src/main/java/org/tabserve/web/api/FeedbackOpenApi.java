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
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Task;
import org.tabserve.serving.feedback.LabelRate;
import org.tabserve.web.http.Routes;
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
    public List<Tag> tags() {
        return List.of(); // PredictOpenApi's section
    }

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
        schemas.put(
                "Label",
                new ObjectSchema()
                        .addProperty(
                                FeedbackHandler.REQUEST_ID,
                                new StringSchema().description("the X-Request-Id the answer" + " carried"))
                        .addProperty(
                                FeedbackHandler.ROW,
                                new IntegerSchema()
                                        .minimum(java.math.BigDecimal.ZERO)
                                        ._default(0)
                                        .description("the row of that answer, counted from 0 in the answer's order"))
                        .addProperty(FeedbackHandler.LABEL, label)
                        .addProperty(
                                FeedbackHandler.CLIENT,
                                new StringSchema()
                                        .pattern("^[A-Za-z0-9._@:-]{0,128}$")
                                        .description("the client the answer was given to, by default the sender;"
                                                + " another than the sender needs the scope label:any"))
                        .required(List.of(FeedbackHandler.REQUEST_ID, FeedbackHandler.LABEL))
                        .additionalProperties(false));
        ObjectSchema answer = new ObjectSchema();
        answer.addProperty("model", new StringSchema())
                .addProperty("version", new IntegerSchema().format("int64"))
                .addProperty("received", count("labels in the request"))
                .addProperty("joined", count("joined to their answers"))
                .addProperty("unknown", count("naming no answer kept"))
                .addProperty("expired", count("naming an answer over an hour old, or dropped for room"))
                .addProperty("duplicates", count("naming a row labelled before (the first label counts)"))
                .addProperty("refused", count("a regressor's values far outside what the target can honestly be"))
                .addProperty(
                        "joined_by_version",
                        new ObjectSchema()
                                .additionalProperties(count("labels joined"))
                                .description("the labels joined, by the version that answered them (under a canary,"
                                        + " either version)"))
                .addProperty(
                        "not_joined",
                        new io.swagger.v3.oas.models.media.ArraySchema()
                                .items(new ObjectSchema()
                                        .addProperty(FeedbackHandler.REQUEST_ID, new StringSchema())
                                        .addProperty(FeedbackHandler.ROW, new IntegerSchema())
                                        .addProperty(
                                                "outcome",
                                                new StringSchema()
                                                        ._enum(List.of("unknown", "expired", "duplicate", "refused")))
                                        .addProperty("reason", new StringSchema().description("why, in words")))
                                .description("the first labels not joined (20 at most), each with why"))
                .addProperty(
                        "answers_kept",
                        new StringSchema()
                                ._enum(List.of("this replica", "shared store"))
                                .description("where answers wait for their labels: in this replica's memory, or in"
                                        + " the fleet's shared store (the shared-state setting)"));
        schemas.put("FeedbackAnswer", performance(answer));
        ObjectSchema performance = new ObjectSchema();
        performance.description("how the version does now: its card's figure, live from labels of the last hour, and"
                + " estimated without labels");
        schemas.put(PERFORMANCE, performance(performance));
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

    private static Schema<?> count(String what) {
        return new IntegerSchema().format("int64").description(what);
    }

    /** @return {@code object} with the live performance figures as its own properties */
    static ObjectSchema performance(ObjectSchema object) {
        object.addProperty("live_window_seconds", new IntegerSchema().description("the live figures' window: an hour"))
                .addProperty("card_accuracy", nullable("a classifier's accuracy on its card's held-out rows"))
                .addProperty("card_mae", nullable("a regressor's mean absolute error on its card's held-out rows"))
                .addProperty("labelled", count("labels joined to answers in the window"))
                .addProperty("live_accuracy", nullable("a classifier's accuracy on those; null without labels"))
                .addProperty("live_mae", nullable("a regressor's mean absolute error on those; null without labels"))
                .addProperty(
                        "estimated_accuracy",
                        nullable(
                                "a classifier's mean calibrated confidence on the rows"
                                        + " it scored in the window (confidence-based performance estimation); null without rows"))
                .addProperty(
                        "estimated_from",
                        new StringSchema()
                                ._enum(java.util.Arrays.asList("calibration curve", "probabilities", null))
                                .nullable(true)
                                .description("the card's calibration curve, or the"
                                        + " model's probabilities as they are when the card has none"))
                .addProperty(
                        "live_figures",
                        new StringSchema()
                                ._enum(List.of("replica", "fleet"))
                                .description("whose labels the live figures count: this replica's alone, or the"
                                        + " fleet's, from the shared store (the shared-state setting)"));
        return object;
    }

    private static Schema<?> nullable(String description) {
        return new NumberSchema().nullable(true).description(description);
    }
}
