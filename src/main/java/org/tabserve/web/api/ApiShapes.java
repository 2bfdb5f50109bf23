package org.tabserve.web.api;

import static io.swagger.v3.oas.annotations.media.Schema.AdditionalPropertiesValue.FALSE;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.web.openapi.DerivedSchemas;

/**
 * The plain JSON API's answers that do not depend on the model, as records {@link DerivedSchemas} derives their
 * OpenAPI schemas from: health, the operators' answers, rollouts, the labels' answer and live performance, and the
 * parts of a prediction of one fixed shape. Their components are named as the JSON keys.
 */
final class ApiShapes {

    private ApiShapes() {}

    @Schema(requiredProperties = "status")
    record Live(@Schema(allowableValues = "live") String status) {}

    @Schema(requiredProperties = {"status", "model", "sha256", "loaded", "failed"})
    record Ready(
            @Schema(allowableValues = "ready") String status,

            @Schema(description = "the default model's own name (its card's, else its graph's)")
            String model,

            String sha256,

            @Schema(description = "the default model's name in its routes and /api/models")
            String name,

            @Schema(description = "its version") long version,

            @ArraySchema(arraySchema = @Schema(description = "The model versions that serve"))
            List<String> loaded,

            @ArraySchema(
                    arraySchema =
                            @Schema(
                                    description =
                                            "The model versions that could not be loaded (why: the repository index)"))
            List<String> failed) {}

    @Schema(
            requiredProperties = {"feature", "message"},
            additionalProperties = FALSE)
    record RangeWarning(
            @Schema(description = "the feature, or a field sent that the model does not take")
            String feature,

            @Schema(description = "e.g. \"the model has not seen a variance this high; treat the answer with care\"")
            String message) {}

    @Schema(
            description = "Only when asked (coverage), for a card with a background sample: how unlike the calibration"
                    + " rows the row is",
            requiredProperties = {"p_value", "novel"},
            additionalProperties = FALSE)
    record Novelty(
            @Schema(
                    minimum = "0",
                    maximum = "1",
                    description = "the share of calibration rows as far from the card's background rows"
                            + " (conformal p-value): small for a row unlike them")
            double p_value,

            @Schema(description = "whether p_value is under the card's threshold (0.01)")
            boolean novel) {}

    @Schema(
            description = "Only when asked (coverage): the true value lies between lower and upper at least that often",
            requiredProperties = {"lower", "upper", "coverage"},
            additionalProperties = FALSE)
    record Interval(
            double lower,
            double upper,

            @Schema(minimum = "" + Conformal.MIN_COVERAGE, maximum = "" + Conformal.MAX_COVERAGE)
            double coverage,

            @Schema(
                    description = "present (true) when an end was cut to the target values the card saw (its"
                            + " training and calibration rows)")
            boolean clipped) {}

    @Schema(requiredProperties = {"status", "model", "sha256"})
    record ModelSwapped(
            @Schema(allowableValues = "swapped") String status,
            String model,

            @Schema(
                    nullable = true,
                    description = "the new model's version as its card says it; null when it says none")
            String version,

            String sha256,
            @Schema(nullable = true) String previous_sha256) {}

    @Schema(requiredProperties = {"status", "name", "version", "state"})
    record ModelInstalled(
            @Schema(allowableValues = "installed") String status, String name, String version, String state) {}

    @Schema(requiredProperties = {"status", "name", "versions"})
    record ModelReloaded(
            @Schema(allowableValues = "reloaded") String status, String name, List<ReloadedVersion> versions) {}

    @Schema(requiredProperties = {"version", "state"})
    record ReloadedVersion(String version, String state, String reason) {}

    @Schema(additionalProperties = FALSE)
    record Rollout(
            @Schema(minimum = "1") long serving,

            @Schema(
                    minimum = "1",
                    description = "the version a promote replaced, kept beside the `serving` it pinned for a rollback")
            long promoted_from,

            Shadow shadow,
            Canary canary) {}

    @Schema(requiredProperties = "version", additionalProperties = FALSE)
    record Shadow(
            @Schema(minimum = "1") long version,
            @Schema(maximum = "1") BigDecimal sample) {}

    @Schema(
            requiredProperties = {"version", "percent"},
            additionalProperties = FALSE)
    record Canary(
            @Schema(minimum = "1") long version,
            @Schema(minimum = "0", maximum = "100") BigDecimal percent,
            @Schema(maximum = "1") BigDecimal sample) {}

    /** A rollout's state; its {@code shadow} and {@code canary} are each a {@link Comparison}, or null. */
    @Schema(requiredProperties = {"model", "serving", "rollout", "shadow", "canary"})
    record RolloutStatus(
            String model,

            @Schema(
                    nullable = true,
                    description = "the version answering unversioned requests besides a canary's share")
            long serving,

            @Schema(ref = "Rollout") Object rollout,

            @Schema(nullable = true, description = "rollout.json, admin API, or null without a rollout")
            String source,

            @Schema(nullable = true, description = "why the rollout does not do all it says, or null")
            String problem,

            Comparison shadow,
            Comparison canary) {}

    @Schema(requiredProperties = {"version", "compared", "agreement", "difference", "latency_ms", "errors"})
    record Comparison(
            @Schema(minimum = "1") long version,
            @Schema(nullable = true) long compared_with,
            long compared,

            @Schema(nullable = true, description = "share of rows whose labels agree; null for a regressor")
            BigDecimal agreement,

            Difference difference,
            Map<String, Latency> latency_ms,
            Map<String, Long> errors,
            Map<String, Long> answered,
            long skipped,

            @ArraySchema(
                    arraySchema =
                            @Schema(
                                    description = "the rows the versions differ most on: their difference for"
                                            + " every caller; with the admin token also both answers and the"
                                            + " row's inputs (never a column of tabserve.prediction-log-mask,"
                                            + " which are named under masked)"))
            List<Object> disagreements,

            BigDecimal sample,
            BigDecimal percent) {}

    record Difference(
            @Schema(nullable = true) BigDecimal mean,
            @Schema(nullable = true) BigDecimal p50,
            @Schema(nullable = true) BigDecimal p99) {}

    record Latency(
            @Schema(nullable = true) BigDecimal p50,
            @Schema(nullable = true) BigDecimal p99) {}

    /** A label; its {@code label} is the model's (a class or a number), which the document sets. */
    @Schema(
            requiredProperties = {"request_id", "label"},
            additionalProperties = FALSE)
    record Label(
            @Schema(description = "the X-Request-Id the answer carried")
            String request_id,

            @Schema(
                    minimum = "0",
                    defaultValue = "0",
                    description = "the row of that answer, counted from 0 in the answer's order")
            int row,

            Object label,

            @Schema(
                    pattern = "^[A-Za-z0-9._@:-]{0,128}$",
                    description = "the client the answer was given to, by default the sender; another than"
                            + " the sender needs the scope label:any")
            String client) {}

    /** What labels came to; the document adds the {@link LivePerformance} figures as its own properties. */
    record FeedbackCounts(
            String model,
            long version,
            @Schema(description = "labels in the request") long received,
            @Schema(description = "joined to their answers") long joined,
            @Schema(description = "naming no answer kept") long unknown,

            @Schema(description = "naming an answer over an hour old, or dropped for room")
            long expired,

            @Schema(description = "naming a row labelled before (the first label counts)")
            long duplicates,

            @Schema(description = "a regressor's values far outside what the target can honestly be")
            long refused,

            @Schema(
                    description = "the labels joined, by the version that answered them (under a canary,"
                            + " either version)")
            Map<String, Long> joined_by_version,

            @ArraySchema(arraySchema = @Schema(description = "the first labels not joined (20 at most), each with why"))
            List<NotJoined> not_joined,

            @Schema(
                    allowableValues = {"this replica", "shared store"},
                    description = "where answers wait for their labels: in this replica's memory, or in the"
                            + " fleet's shared store (the shared-state setting)")
            String answers_kept) {}

    record NotJoined(
            String request_id,
            int row,

            @Schema(allowableValues = {"unknown", "expired", "duplicate", "refused"})
            String outcome,

            @Schema(description = "why, in words") String reason) {}

    /** The live performance figures ({@link LivePerformanceJson}); {@code estimated_from} may also be null. */
    record LivePerformance(
            @Schema(description = "the live figures' window: an hour")
            int live_window_seconds,

            @Schema(nullable = true, description = "a classifier's accuracy on its card's held-out rows")
            BigDecimal card_accuracy,

            @Schema(nullable = true, description = "a regressor's mean absolute error on its card's held-out rows")
            BigDecimal card_mae,

            @Schema(description = "labels joined to answers in the window")
            long labelled,

            @Schema(nullable = true, description = "a classifier's accuracy on those; null without labels")
            BigDecimal live_accuracy,

            @Schema(nullable = true, description = "a regressor's mean absolute error on those; null without labels")
            BigDecimal live_mae,

            @Schema(
                    nullable = true,
                    description = "a classifier's mean calibrated confidence on the rows it scored in the"
                            + " window (confidence-based performance estimation); null without rows")
            BigDecimal estimated_accuracy,

            @Schema(
                    allowableValues = {"calibration curve", "probabilities"},
                    nullable = true,
                    description = "the card's calibration curve, or the model's probabilities as they are"
                            + " when the card has none")
            String estimated_from,

            @Schema(
                    allowableValues = {"replica", "fleet"},
                    description = "whose labels the live figures count: this replica's alone, or the fleet's,"
                            + " from the shared store (the shared-state setting)")
            String live_figures) {}
}
