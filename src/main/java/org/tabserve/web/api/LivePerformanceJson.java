package org.tabserve.web.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.tabserve.model.Model;
import org.tabserve.serving.feedback.FeedbackMonitor;
import org.tabserve.web.http.Json;

/**
 * A model version's live performance as the JSON API gives it, spelled once for {@code /api/models}, {@code /api/model}
 * and the feedback answer: the card's figure, the live one from labels of the last hour ({@code live_accuracy} or
 * {@code live_mae}) and the estimate without labels ({@code estimated_accuracy}), side by side.
 *
 * @param windowSeconds     the window of the live figures (an hour)
 * @param cardAccuracy      a classifier's accuracy on its card's held-out rows; null without one
 * @param cardMae           a regressor's mean absolute error on its card's held-out rows; null without one
 * @param labelled          labels joined to answers in the window
 * @param liveAccuracy      a classifier's accuracy on them; null without labels (or for a regressor)
 * @param liveMae           a regressor's mean absolute error on them; null without labels (or for a classifier)
 * @param estimatedAccuracy a classifier's mean calibrated confidence on the rows it scored in the window (CBPE)
 * @param estimatedFrom     what that confidence reads: "calibration curve" (the card's) or "probabilities" (as the
 *                          model gives them, when the card has no curve); null without an estimate
 * @param liveFigures       whose labels the live figures count: "fleet" (every replica's, from the shared store) or
 *                          "replica" (this one's alone)
 */
public record LivePerformanceJson(
        @JsonProperty("live_window_seconds") long windowSeconds,
        @JsonProperty("card_accuracy") Double cardAccuracy,
        @JsonProperty("card_mae") Double cardMae,
        long labelled,
        @JsonProperty("live_accuracy") Double liveAccuracy,
        @JsonProperty("live_mae") Double liveMae,
        @JsonProperty("estimated_accuracy") Double estimatedAccuracy,
        @JsonProperty("estimated_from") String estimatedFrom,
        @JsonProperty("live_figures") String liveFigures) {

    /** @param live the version's figures, or null before it has scored anything */
    public static LivePerformanceJson of(Model model, FeedbackMonitor.Performance live) {
        var card = model.card();
        Double estimate = live == null ? null : live.estimatedAccuracy();
        return new LivePerformanceJson(
                FeedbackMonitor.WINDOW_NANOS / 1_000_000_000L,
                card.evaluation() == null ? null : card.evaluation().accuracy(),
                card.regression() == null ? null : card.regression().mae(),
                live == null ? 0 : live.labelled(),
                live == null ? null : live.liveAccuracy(),
                live == null ? null : live.liveMae(),
                estimate,
                estimate == null ? null : live.calibrated() ? "calibration curve" : "probabilities",
                live != null && live.fleet() ? "fleet" : "replica");
    }

    /** Writes the figures as fields of the object {@code json} is in. */
    static void write(JsonGenerator json, Model model, FeedbackMonitor.Performance live) throws IOException {
        var fields = Json.MAPPER.valueToTree(of(model, live)).fields();
        while (fields.hasNext()) {
            var field = fields.next();
            json.writeFieldName(field.getKey());
            json.writeTree(field.getValue());
        }
    }
}
