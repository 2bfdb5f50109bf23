package org.tabserve.web.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.Prediction;
import org.tabserve.web.pages.plots.ContributionChart;
import org.tabserve.web.pages.plots.Decimals;
import org.tabserve.web.pages.plots.ShownClasses;

/**
 * The answer's part of the form page ({@link FormPage.Result}): each described field the answer carries
 * ({@link AnswerField}) fills its part, in the described order, through a switch expression the compiler checks for
 * every field; then which model file gave it, as the body says ({@link FormPage.Provenance}).
 */
final class FormResult {

    /**
     * The form's one answered row: what it carries, the row as scored, the warnings that go with it (in words), and
     * the answer's request-level values.
     */
    record Outcome(AnswerShape shape, ScoredRows scored, List<String> warnings, AnswerSource source) {}

    /** The page's parts as the fields fill them. */
    private static final class Parts {
        String label;
        String displayName;
        List<FormPage.Bar> bars = List.of();
        String probabilityNote;
        boolean regression;
        String targetRange;
        List<String> warnings = List.of();
        ContributionChart.Explained explanation;
        String sureness;
    }

    private FormResult() {}

    static FormPage.Result of(Model classifier, Outcome outcome, List<FormPage.Field> sent, Map<String, String> typed) {
        ModelCard card = classifier.card();
        Prediction prediction = outcome.scored().prediction(0);
        Uncertainty uncertainty = outcome.scored().uncertainty(0);
        Parts parts = new Parts();
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(outcome.shape(), false)) {
                continue;
            }
            Consumer<Parts> fill = switch (field) {
                case LABEL -> p -> p.label = ((Prediction.Classification) prediction).label();
                case DISPLAY_NAME -> p -> p.displayName = card.displayName(p.label);
                case PROBABILITIES ->
                    p -> {
                        p.bars = bars((Prediction.Classification) prediction, card);
                        p.probabilityNote = classifier.signature().probabilityNote();
                    };
                case VALUE ->
                    p -> {
                        // the value is both the heading's text and its "label"; the target's range puts it in scale
                        p.label = Decimals.fourPlaces(((Prediction.Regression) prediction).value());
                        p.displayName = p.label;
                        p.regression = true;
                        p.targetRange = targetRange(card);
                    };
                case WARNINGS -> p -> p.warnings = outcome.warnings();
                case EXPLANATION ->
                    p -> p.explanation = ContributionChart.of(outcome.scored().explanation(0), typed, card);
                case INTERVAL -> p -> p.sureness = SurenessWords.interval(uncertainty);
                case PREDICTION_SET -> p -> p.sureness = SurenessWords.predictionSet(uncertainty, card, prediction);
                // said in the interval's or the set's words, which are made at it: a coverage alone answers
                // nothing
                case COVERAGE -> p -> {};
                // said after them, only when the row's p-value flags it
                case NOVELTY -> p -> p.sureness += SurenessWords.novelty(uncertainty);
                // a bad value is shown next to its field, on a page (a 400) with no answer
                case ERRORS -> p -> {};
                // a field with no words of its own on the page is for programs: its answers and documents carry it
                // by its type, and AnswerFormatsTest's spelling of the form says the page declines it
                default -> p -> {};
            };
            fill.accept(parts);
        }
        return new FormPage.Result(
                parts.label,
                parts.displayName,
                parts.bars,
                sent,
                parts.warnings,
                parts.regression,
                parts.targetRange,
                parts.explanation,
                parts.probabilityNote,
                parts.sureness,
                FormPage.Provenance.of(outcome.source()));
    }

    /** A classifier's bars: the classes {@link ShownClasses} shows, then one of the others' sum when there are more. */
    private static List<FormPage.Bar> bars(Prediction.Classification prediction, ModelCard card) {
        List<FormPage.Bar> bars = new ArrayList<>();
        List<String> shown = ShownClasses.of(prediction.classes(), prediction::probabilityOf, prediction.label());
        double rest = 1;
        for (String label : shown) {
            double p = prediction.probabilityOf(label);
            rest -= p;
            bars.add(new FormPage.Bar(label, card.displayName(label), p, percent(p), label.equals(prediction.label())));
        }
        int others = prediction.classes().size() - shown.size();
        if (others > 0) {
            double p = Math.max(0, rest);
            bars.add(new FormPage.Bar("", ShownClasses.others(others), p, percent(p), false));
        }
        return bars;
    }

    /** The training range of a regressor's target, when the card's statistics have its column (the data's label). */
    static String targetRange(ModelCard card) {
        Object target = card.data().get("label_column");
        FeatureStats stats = target == null ? null : card.featureStats().get(String.valueOf(target));
        return stats == null ? null : Decimals.fourPlaces(stats.min()) + " to " + Decimals.fourPlaces(stats.max());
    }

    /** @return a probability as a percentage with one decimal, e.g. {@code 97.3 %} */
    static String percent(double probability) {
        return String.format(Locale.ROOT, "%.1f %%", probability * 100);
    }
}
