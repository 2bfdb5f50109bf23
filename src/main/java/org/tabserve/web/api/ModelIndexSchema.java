package org.tabserve.web.api;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.List;

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
                                        .addProperty(
                                                "recent",
                                                new ObjectSchema()
                                                        .description("the model's requests of the last"
                                                                + " window_seconds seconds, over all its versions")
                                                        .addProperty("window_seconds", new IntegerSchema())
                                                        .addProperty("requests", new IntegerSchema().format("int64"))
                                                        .addProperty(
                                                                "errors",
                                                                new IntegerSchema()
                                                                        .format("int64")
                                                                        .description(
                                                                                "those answered with a status of 400 or more"))
                                                        .addProperty(
                                                                "p50_ms",
                                                                new NumberSchema()
                                                                        .nullable(true)
                                                                        .description(
                                                                                "half of them"
                                                                                        + " were answered within this (a histogram bucket's upper bound, at most a"
                                                                                        + " quarter over); null when there were none"))
                                                        .addProperty(
                                                                "p99_ms",
                                                                new NumberSchema()
                                                                        .nullable(true)
                                                                        .description(
                                                                                "99 in 100 were answered within this"))
                                                        .addProperty("timed", timed())
                                                        .required(List.of(
                                                                "window_seconds",
                                                                "requests",
                                                                "errors",
                                                                "p50_ms",
                                                                "p99_ms",
                                                                "timed")))
                                        .addProperty(
                                                "worst_drift",
                                                new ObjectSchema()
                                                        .nullable(true)
                                                        .description("the input of this"
                                                                + " version whose values of the last hour drifted most from the card's training"
                                                                + " profile; null before any input has a score (32 values per training"
                                                                + " bin beyond the first, at least 50)")
                                                        .addProperty("feature", new StringSchema())
                                                        .addProperty(
                                                                "psi",
                                                                new NumberSchema()
                                                                        .description("population stability index"))
                                                        .addProperty(
                                                                "drift",
                                                                new StringSchema()
                                                                        ._enum(List.of("small", "moderate", "large")))
                                                        .required(List.of("feature", "psi", "drift")))
                                        .addProperty("last_hour", lastHour())
                                        .addProperty(
                                                "sha256",
                                                new StringSchema()
                                                        .description("the SHA-256 of the file the version serves, as"
                                                                + " answers give it (model_sha256); once loaded"))
                                        .required(List.of("name", "version", "state", "last_hour"))
                                        .description("with, once loaded, its live performance (FeedbackOpenApi)")))
                .addProperty("skipped", skipped())
                .addProperty(
                        "skipped_total",
                        new IntegerSchema()
                                .description("how many entries the model directory's last scan skipped, those past"
                                        + " the list's first " + org.tabserve.repository.ModelRepository.SKIPPED_KEPT
                                        + " too"))
                .addProperty(
                        "store",
                        new ObjectSchema()
                                .addProperty("location", new StringSchema().description("s3://bucket/prefix/"))
                                .addProperty("reachable", new io.swagger.v3.oas.models.media.BooleanSchema())
                                .addProperty(
                                        "detail",
                                        new StringSchema()
                                                .description("why the store does not answer; the cache serves"))
                                .addProperty("cached_models", new IntegerSchema())
                                .required(List.of("location", "reachable", "cached_models"))
                                .description("where the models come from, when --models is an s3:// location"))
                .addRequiredItem("models");
    }

    /** How many requests the latencies beside it are of ({@link ModelIndexHandler.Recent}). */
    private static Schema<?> timed() {
        return new IntegerSchema()
                .format("int64")
                .description("how many of the requests the latencies are of: all but the model's warm-up, its first "
                        + org.tabserve.serving.monitor.ModelActivity.WARM_UP_REQUESTS
                        + " requests after each load, whose cold runs say nothing of how it answers");
    }

    /** The model directory's entries not served ({@link org.tabserve.repository.SkippedEntry}). */
    private static Schema<?> skipped() {
        return new ArraySchema()
                .maxItems(org.tabserve.repository.ModelRepository.SKIPPED_KEPT)
                .description("the entries of the model directory (--models) that look meant as models but are not"
                        + " served, by path: a folder of loose .onnx files, a file or folder whose name is no model's,"
                        + " a version directory without its model.onnx; empty without --models")
                .items(new ObjectSchema()
                        .addProperty(
                                "path",
                                new StringSchema().description("relative to the model directory; a folder's ends in /"))
                        .addProperty("reason", new StringSchema().description("why it is not served"))
                        .addProperty("fix", new StringSchema().description("what would serve it"))
                        .required(List.of("path", "reason", "fix")));
    }

    /** The last hour by minute ({@link ModelIndexHandler.LastHour}), what the models page draws as sparklines. */
    private static Schema<?> lastHour() {
        return new ObjectSchema()
                .description("the last hour minute by minute, for sparklines")
                .addProperty(
                        "minutes",
                        new ArraySchema()
                                .minItems(60)
                                .maxItems(60)
                                .items(new ObjectSchema()
                                        .addProperty(
                                                "requests",
                                                new IntegerSchema()
                                                        .format("int64")
                                                        .description(
                                                                "the model's requests answered in the minute, over all its"
                                                                        + " versions"))
                                        .addProperty(
                                                "errors",
                                                new IntegerSchema()
                                                        .format("int64")
                                                        .description("those answered with a status of 400 or more"))
                                        .addProperty(
                                                "p99_ms",
                                                new NumberSchema()
                                                        .nullable(true)
                                                        .description("99 in 100 of"
                                                                + " them were answered within this (a histogram bucket's upper bound); null"
                                                                + " when there were none, or past the last bound"))
                                        .addProperty(
                                                "worst_drift_psi",
                                                new NumberSchema()
                                                        .nullable(true)
                                                        .description(
                                                                "this"
                                                                        + " version's worst drift (the highest PSI of its inputs over the hour up to"
                                                                        + " then), the highest sampled in the minute; null when nothing sampled it"
                                                                        + " (the models page, this index and /metrics do) or no input had a score"))
                                        .addProperty("timed", timed())
                                        .required(List.of("requests", "errors", "p99_ms", "worst_drift_psi", "timed")))
                                .description("oldest first, one a minute, the last the minute under way"))
                .addRequiredItem("minutes");
    }
}
