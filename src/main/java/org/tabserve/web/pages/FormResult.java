package org.tabserve.web.pages;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.FieldValue;
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
 * ({@link AnswerField}) fills its part, in the described order: the fields the page has words for their own parts,
 * any other under the answer by its key and its value in words; then which model file gave it, as the body says
 * ({@link FormPage.Provenance}).
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
        final List<FormPage.More> more = new ArrayList<>();
    }

    /** What a field's words are made of: the model, the answered row and the values the form sent. */
    private record Row(Model classifier, Outcome outcome, Map<String, String> typed) {
        Prediction prediction() {
            return outcome.scored().prediction(0);
        }

        Uncertainty uncertainty() {
            return outcome.scored().uncertainty(0);
        }

        ModelCard card() {
            return classifier.card();
        }
    }

    /**
     * The fields the page has words of its own for, each filling its part; any other present field is for programs
     * and is listed under the answer by its key and its value in words ({@link #words}).
     */
    private static final Map<AnswerField, BiConsumer<Parts, Row>> OWN_WORDS = new EnumMap<>(AnswerField.class);

    static {
        OWN_WORDS.put(AnswerField.LABEL, (p, row) -> p.label = ((Prediction.Classification) row.prediction()).label());
        OWN_WORDS.put(
                AnswerField.DISPLAY_NAME, (p, row) -> p.displayName = row.card().displayName(p.label));
        OWN_WORDS.put(AnswerField.PROBABILITIES, (p, row) -> {
            p.bars = bars((Prediction.Classification) row.prediction(), row.card());
            p.probabilityNote = row.classifier().signature().probabilityNote();
        });
        OWN_WORDS.put(AnswerField.VALUE, (p, row) -> {
            // the value is both the heading's text and its "label"; the target's range puts it in scale
            p.label = Decimals.fourPlaces(((Prediction.Regression) row.prediction()).value());
            p.displayName = p.label;
            p.regression = true;
            p.targetRange = targetRange(row.card());
        });
        OWN_WORDS.put(
                AnswerField.WARNINGS, (p, row) -> p.warnings = row.outcome().warnings());
        OWN_WORDS.put(
                AnswerField.EXPLANATION,
                (p, row) -> p.explanation =
                        ContributionChart.of(row.outcome().scored().explanation(0), row.typed(), row.card()));
        OWN_WORDS.put(AnswerField.INTERVAL, (p, row) -> p.sureness = SurenessWords.interval(row.uncertainty()));
        OWN_WORDS.put(
                AnswerField.PREDICTION_SET,
                (p, row) -> p.sureness = SurenessWords.predictionSet(row.uncertainty(), row.card(), row.prediction()));
        // said in the interval's or the set's words, which are made at it: a coverage alone answers nothing
        OWN_WORDS.put(AnswerField.COVERAGE, (p, row) -> {});
        // said after them, only when the row's p-value flags it
        OWN_WORDS.put(AnswerField.NOVELTY, (p, row) -> p.sureness += SurenessWords.novelty(row.uncertainty()));
        // a bad value is shown next to its field, on a page (a 400) with no answer
        OWN_WORDS.put(AnswerField.ERRORS, (p, row) -> {});
    }

    private FormResult() {}

    static FormPage.Result of(Model classifier, Outcome outcome, List<FormPage.Field> sent, Map<String, String> typed) {
        Row row = new Row(classifier, outcome, typed);
        Parts parts = new Parts();
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(outcome.shape(), false)) {
                continue;
            }
            BiConsumer<Parts, Row> fill = OWN_WORDS.get(field);
            if (fill != null) {
                fill.accept(parts, row);
            } else {
                String words = words(field.value(outcome.scored().row(0)));
                if (!words.isEmpty()) {
                    parts.more.add(new FormPage.More(field.key(), words));
                }
            }
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
                parts.more,
                FormPage.Provenance.of(outcome.source()));
    }

    /**
     * A field's value in words, for a field the pages have no words of its own for: a text as it is, a number with four
     * decimals (a whole one as it is), a flag yes or no, texts and named numbers and a struct's members in a list
     * ({@code name: value}), records one after another; empty for none.
     */
    static String words(FieldValue value) {
        if (value == null) {
            return "";
        }
        return switch (value.kind()) {
            case TEXT -> ((FieldValue.Text) value).text();
            case NUMBER -> {
                Number number = ((FieldValue.Number) value).number();
                yield number instanceof Double ? Decimals.fourPlaces(number.doubleValue()) : String.valueOf(number);
            }
            case FLAG -> ((FieldValue.Flag) value).flag() ? "yes" : "no";
            case TEXTS -> String.join(", ", ((FieldValue.Texts) value).texts());
            case NAMED_NUMBERS -> {
                FieldValue.NamedNumbers named = (FieldValue.NamedNumbers) value;
                List<String> words = new ArrayList<>();
                for (int i = 0; i < named.names().size(); i++) {
                    words.add(named.names().get(i) + ": "
                            + Decimals.fourPlaces(named.numbers().get(i)));
                }
                yield String.join(", ", words);
            }
            case STRUCT -> {
                List<String> words = new ArrayList<>();
                for (FieldValue.Member member : ((FieldValue.Struct) value).members()) {
                    if (member.value() != null) {
                        words.add(member.name() + ": " + words(member.value()));
                    }
                }
                yield String.join(", ", words);
            }
            case RECORDS ->
                String.join(
                        "; ",
                        ((FieldValue.Records) value)
                                .records().stream().map(FormResult::words).toList());
        };
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
