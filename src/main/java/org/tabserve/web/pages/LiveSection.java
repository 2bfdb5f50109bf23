package org.tabserve.web.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tabserve.model.live.LiveCounts;
import org.tabserve.model.live.LiveKind;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.model.live.Psi;
import org.tabserve.web.pages.plots.LivePlots;
import org.tabserve.web.pages.plots.Plot;

/**
 * The card page's "Live" section: per input, what the model scored on every route against the card's training
 * profile (the picture, the drift score and the rates), or, for a model without a profile, that there is nothing to
 * compare with.
 *
 * @param profile       whether the card has a training profile of any input
 * @param windowMinutes the minutes the recent figures cover
 * @param valuesPerBin  the values an input needs for each training bin beyond the first before it gets a score
 * @param minValues     the values any input needs before it gets a score
 * @param charts        one per input that has a profile, in the model's order
 */
record LiveSection(boolean profile, int windowMinutes, int valuesPerBin, long minValues, List<Chart> charts) {

    /**
     * One input's live figures, in words.
     *
     * @param psi      the population stability index of the last hour, three decimals; "–" without a score
     * @param drift    small, moderate, large or not enough data
     * @param outside  the out-of-range rate (numbers) or unknown-category rate (text), in words
     */
    record Chart(
            String feature,
            Plot plot,
            long values,
            long valuesSinceStart,
            String psi,
            String drift,
            String psiSinceStart,
            String missing,
            String outside) {}

    static LiveSection of(LiveProfile live) {
        List<Chart> charts = new ArrayList<>();
        for (LiveProfile.LiveFeature feature : live.snapshot()) {
            if (feature.kind() == LiveKind.NONE) {
                continue;
            }
            LiveProfile.Window recent = feature.recent();
            String outside = feature.kind() == LiveKind.HISTOGRAM
                    ? LivePlots.percent(recent.rate(recent.outOfRange())) + " out of the training range"
                    : LivePlots.percent(recent.rate(recent.unknown())) + " categories the training data never had";
            charts.add(new Chart(
                    feature.name(),
                    LivePlots.overlay(feature),
                    recent.values(),
                    feature.sinceStart().values(),
                    psi(recent.psi()),
                    Psi.reading(recent.psi()),
                    psi(feature.sinceStart().psi()),
                    LivePlots.percent(recent.rate(recent.missing())) + " missing",
                    outside));
        }
        return new LiveSection(
                live.hasTrainingProfile(), LiveCounts.WINDOW_SECONDS / 60, Psi.VALUES_PER_BIN, Psi.MIN_ROWS, charts);
    }

    private static String psi(double psi) {
        return Double.isNaN(psi) ? "–" : String.format(Locale.ROOT, "%.3f", psi);
    }
}
