package org.tabserve.web.pages.plots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.explain.Explanation;

/**
 * The form's picture of why it answered as it did: an answer's contributions, one bar per input, largest first, with
 * the sentence that says what adds up to what; drawn with the card's pictures' sizes and number format ({@link Plots}).
 */
public final class ContributionChart {

    private ContributionChart() {}

    /**
     * An answer explained in the form's own columns.
     *
     * @param chart   each input's contribution, largest first
     * @param summary the explanation in words: what is explained, the base value and the answer
     */
    public record Explained(Plot chart, String summary) {}

    /**
     * The explanation as the form shows it: a bar per input, largest contribution first, labelled with the value
     * typed, and a sentence saying what adds up to what.
     */
    public static Explained of(Explanation explanation, Map<String, String> typed, ModelCard card) {
        if (explanation == null) {
            return null;
        }
        List<Map.Entry<String, Double>> order =
                new ArrayList<>(explanation.contributions().entrySet());
        order.sort((a, b) -> Double.compare(Math.abs(b.getValue()), Math.abs(a.getValue())));
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Map.Entry<String, Double> entry : order) {
            String value = typed.getOrDefault(entry.getKey(), "");
            labels.add(entry.getKey() + " = " + (value.isEmpty() ? "(missing)" : value));
            values.add(entry.getValue());
        }
        String what = explanation.explainedClass() == null
                ? "the predicted value"
                : (Explanation.MARGIN.equals(explanation.explained())
                                ? "the raw score (margin, before the sigmoid or" + " softmax) of "
                                : "the probability of ")
                        + card.displayName(explanation.explainedClass());
        String summary = "What moved " + what + " from " + Decimals.fourPlaces(explanation.baseValue())
                + ", its average over " + explanation.backgroundRows() + " training rows, to "
                + Decimals.fourPlaces(explanation.output()) + ": each input's contribution ("
                + (Explanation.PERMUTATION.equals(explanation.method())
                        ? "Shapley values, estimated from " + explanation.permutations() + " permutations"
                        : "Shapley values, exact")
                + ").";
        return new Explained(plot("contributions", labels, values, summary), summary);
    }

    /**
     * An answer's contributions, one input a line: its name and value above a bar that goes right of the centre line
     * for a contribution that raised the answer, left for one that lowered it, lengths to one scale.
     *
     * @param labels each input's line of text ("sex = male"), in the order drawn
     * @param values each input's contribution, in the same order
     */
    static Plot plot(String id, List<String> labels, List<Double> values, String summary) {
        double max = values.stream().mapToDouble(Math::abs).max().orElse(0);
        double centre = Plots.WIDTH / 2.0;
        double room = centre - Plots.BAR_COUNT_ROOM;
        List<Plot.Rect> bars = new ArrayList<>();
        List<Plot.Text> texts = new ArrayList<>();
        List<Plot.Line> lines = new ArrayList<>();
        double y = 0;
        for (int i = 0; i < labels.size(); i++) {
            double value = values.get(i);
            texts.add(new Plot.Text(0, y + Plots.BAR_LABEL - 4, labels.get(i), "start", null, "axis-label"));
            y += Plots.BAR_LABEL;
            double length = max == 0 ? 0 : Math.max(value == 0 ? 0 : 1, room * Math.abs(value) / max);
            boolean up = value >= 0;
            String shown = Decimals.signed(value);
            bars.add(new Plot.Rect(
                    Plots.round(up ? centre : centre - length),
                    Plots.round(y),
                    Plots.round(length),
                    Plots.BAR_HEIGHT,
                    "bar " + (up ? "contribution-up" : "contribution-down"),
                    null,
                    labels.get(i) + ": " + shown));
            texts.add(new Plot.Text(
                    Plots.round(up ? centre + length + 4 : centre - length - 4),
                    Plots.round(y + Plots.BAR_HEIGHT - 1),
                    shown,
                    up ? "start" : "end",
                    null,
                    "tick count-label"));
            // The centre line beside each bar only, clear of the names above the bars.
            lines.add(new Plot.Line(centre, Plots.round(y - 2), centre, Plots.round(y + Plots.BAR_HEIGHT + 2), "axis"));
            y += Plots.BAR_HEIGHT + Plots.BAR_GAP;
        }
        return new Plot(id, Plots.WIDTH, (int) Math.ceil(y), summary, bars, lines, List.of(), List.of(), texts);
    }
}
