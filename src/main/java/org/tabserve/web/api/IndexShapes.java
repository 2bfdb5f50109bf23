package org.tabserve.web.api;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;
import org.tabserve.repository.ModelRepository;
import org.tabserve.serving.monitor.ModelActivity;
import org.tabserve.web.openapi.DerivedSchemas;

/**
 * Parts of {@code /api/models}' answer ({@link ModelIndexHandler}) as records {@link DerivedSchemas} derives their
 * OpenAPI schemas from, for {@link ModelIndexSchema}. Their components are named as the JSON keys.
 */
final class IndexShapes {

    private static final String TIMED = "how many of the requests the latencies are of: all but the model's warm-up,"
            + " its first " + ModelActivity.WARM_UP_REQUESTS
            + " requests after each load, whose cold runs say nothing of how it answers";

    private IndexShapes() {}

    /** The model's recent requests ({@link ModelIndexHandler.Recent}). */
    @Schema(
            description = "the model's requests of the last window_seconds seconds, over all its versions",
            requiredProperties = {"window_seconds", "requests", "errors", "p50_ms", "p99_ms", "timed"})
    record Recent(
            int window_seconds,
            long requests,

            @Schema(description = "those answered with a status of 400 or more")
            long errors,

            @Schema(
                    nullable = true,
                    description = "half of them were answered within this (a histogram bucket's upper bound,"
                            + " at most a quarter over); null when there were none")
            BigDecimal p50_ms,

            @Schema(nullable = true, description = "99 in 100 were answered within this")
            BigDecimal p99_ms,

            @Schema(description = TIMED) long timed) {}

    @Schema(
            nullable = true,
            description = "the input of this version whose values of the last hour drifted most from the card's"
                    + " training profile; null before any input has a score (32 values per training bin beyond the"
                    + " first, at least 50)",
            requiredProperties = {"feature", "psi", "drift"})
    record WorstDrift(
            String feature,

            @Schema(description = "population stability index")
            BigDecimal psi,

            @Schema(allowableValues = {"small", "moderate", "large"})
            String drift) {}

    /** The last hour by minute ({@link ModelIndexHandler.LastHour}), what the models page draws as sparklines. */
    @Schema(description = "the last hour minute by minute, for sparklines", requiredProperties = "minutes")
    record LastHour(
            @ArraySchema(
                    arraySchema = @Schema(description = "oldest first, one a minute, the last the minute under way"),
                    minItems = 60,
                    maxItems = 60)
            List<Minute> minutes) {}

    @Schema(requiredProperties = {"requests", "errors", "p99_ms", "worst_drift_psi", "timed"})
    record Minute(
            @Schema(description = "the model's requests answered in the minute, over all its versions")
            long requests,

            @Schema(description = "those answered with a status of 400 or more")
            long errors,

            @Schema(
                    nullable = true,
                    description = "99 in 100 of them were answered within this (a histogram bucket's upper"
                            + " bound); null when there were none, or past the last bound")
            BigDecimal p99_ms,

            @Schema(
                    nullable = true,
                    description = "this version's worst drift (the highest PSI of its inputs over the hour up"
                            + " to then), the highest sampled in the minute; null when nothing sampled it (the"
                            + " models page, this index and /metrics do) or no input had a score")
            BigDecimal worst_drift_psi,

            @Schema(description = TIMED) long timed) {}

    /** The model directory's entries not served ({@link org.tabserve.repository.SkippedEntry}). */
    record Skipped(
            @ArraySchema(
                    arraySchema =
                            @Schema(
                                    description = "the entries of the model directory (--models) that look"
                                            + " meant as models but are not served, by path: a folder of loose"
                                            + " .onnx files, a file or folder whose name is no model's, a"
                                            + " version directory without its model.onnx; empty without"
                                            + " --models"),
                    maxItems = ModelRepository.SKIPPED_KEPT)
            List<SkippedEntry> skipped) {}

    @Schema(requiredProperties = {"path", "reason", "fix"})
    record SkippedEntry(
            @Schema(description = "relative to the model directory; a folder's ends in /")
            String path,

            @Schema(description = "why it is not served") String reason,
            @Schema(description = "what would serve it") String fix) {}

    @Schema(
            description = "where the models come from, when --models is an s3:// location",
            requiredProperties = {"location", "reachable", "cached_models"})
    record Store(
            @Schema(description = "s3://bucket/prefix/") String location,
            boolean reachable,

            @Schema(description = "why the store does not answer; the cache serves")
            String detail,

            int cached_models) {}
}
