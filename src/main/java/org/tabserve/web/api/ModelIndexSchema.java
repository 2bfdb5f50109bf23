package org.tabserve.web.api;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.List;
import org.tabserve.web.openapi.DerivedSchemas;

/**
 * The OpenAPI schema of {@code /api/models}' answer ({@link ModelIndexHandler}): every served model version with its
 * state, its recent requests, its worst drift and its last hour minute by minute.
 */
final class ModelIndexSchema {

    private ModelIndexSchema() {}

    /** The {@code ModelIndex} schema. */
    static Schema<?> schema() {
        return new ObjectSchema()
                .addProperty(
                        "models",
                        new ArraySchema()
                                .items(FeedbackOpenApi.performance(new ObjectSchema())
                                        .addProperty(
                                                "name",
                                                new StringSchema()
                                                        .description("the name it is served under (its file's"
                                                                + " or folder's): its routes' name"))
                                        .addProperty(
                                                "title",
                                                new StringSchema()
                                                        .description(
                                                                "the name its file gives it (the ONNX"
                                                                        + " graph's, or its card's); empty when it is not loaded"))
                                        .addProperty("version", new StringSchema())
                                        .addProperty(
                                                "state",
                                                new StringSchema()
                                                        ._enum(List.of("READY", "LOADING", "UNAVAILABLE", "UNLOADING")))
                                        .addProperty("reason", new StringSchema())
                                        .addProperty("task", new StringSchema())
                                        .addProperty("inputs", new ArraySchema().items(new StringSchema()))
                                        .addProperty("form", new StringSchema())
                                        .addProperty("card", new StringSchema())
                                        .addProperty(
                                                "loaded_at",
                                                new StringSchema()
                                                        .format("date-time")
                                                        .nullable(true)
                                                        .description(
                                                                "when the version it serves was loaded; null when none is"))
                                        .addProperty(
                                                "load_seconds",
                                                new NumberSchema()
                                                        .nullable(true)
                                                        .description("how long that load took, warm-up included"))
                                        .addProperty("recent", DerivedSchemas.of(ModelShapes.Recent.class))
                                        .addProperty("worst_drift", DerivedSchemas.of(ModelShapes.WorstDrift.class))
                                        .addProperty("last_hour", DerivedSchemas.of(ModelShapes.LastHour.class))
                                        .addProperty(
                                                "sha256",
                                                new StringSchema()
                                                        .description("the SHA-256 of the file the version serves, as"
                                                                + " answers give it (model_sha256); once loaded"))
                                        .required(List.of("name", "version", "state", "last_hour"))
                                        .description("with, once loaded, its live performance (FeedbackOpenApi)")))
                .addProperty(
                        "skipped",
                        DerivedSchemas.of(ModelShapes.Skipped.class)
                                .getProperties()
                                .get("skipped"))
                .addProperty(
                        "skipped_total",
                        new IntegerSchema()
                                .description("how many entries the model directory's last scan skipped, those past"
                                        + " the list's first " + org.tabserve.repository.ModelRepository.SKIPPED_KEPT
                                        + " too"))
                .addProperty("store", DerivedSchemas.of(ModelShapes.Store.class))
                .addRequiredItem("models");
    }
}
