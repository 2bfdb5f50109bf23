package org.tabserve.web.v2;

import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.web.openapi.OpenApi;

/**
 * The outputs an inference request gains when it asks for coverage ({@code "coverage"} among its parameters),
 * whichever transport writes them, one per described field ({@link V2Extras}): a regressor's {@value #LOWER} and
 * {@value #UPPER} (FP64 {@code [N]}), a classifier's {@code prediction_set} (BOOL {@code [N, classes]}: whether each
 * class, in the order of {@code probabilities}, is in the row's set), then {@code coverage} (FP64 {@code [N]}) and,
 * where the card can tell, {@value #NOVELTY} (FP64 {@code [N]}, the row's novelty p-value). Beside each its schema in
 * the protocol's document, so that what is written and what is documented cannot drift apart.
 */
final class V2Coverage {

    /** A regressor's interval's lower ends. */
    static final String LOWER = "interval_lower";
    /** A regressor's interval's upper ends. */
    static final String UPPER = "interval_upper";
    /** Each row's novelty p-value. */
    static final String NOVELTY = "novelty_p_value";

    private V2Coverage() {}

    /** @return a regressor's interval's ends, two outputs */
    static List<V2Extras.Tensor> interval(V2Inference.Answer answer) {
        List<Uncertainty> rows = answer.uncertainties();
        long n = rows.size();
        return List.of(
                new V2Extras.Tensor(
                        new V2Inference.Output(LOWER, "FP64", List.of(n)),
                        rows.stream().map(u -> u.interval().lower()).toList()),
                new V2Extras.Tensor(
                        new V2Inference.Output(UPPER, "FP64", List.of(n)),
                        rows.stream().map(u -> u.interval().upper()).toList()));
    }

    /** @return a classifier's prediction sets, as a mask over its classes */
    static V2Extras.Tensor predictionSet(V2Inference.Answer answer) {
        List<Uncertainty> rows = answer.uncertainties();
        List<String> classes = answer.classifier().signature().classLabels();
        List<Boolean> mask = new ArrayList<>(rows.size() * classes.size());
        for (Uncertainty row : rows) {
            for (String label : classes) {
                mask.add(row.predictionSet().contains(label));
            }
        }
        return new V2Extras.Tensor(
                new V2Inference.Output(
                        AnswerField.PREDICTION_SET.key(), "BOOL", List.of((long) rows.size(), (long) classes.size())),
                mask);
    }

    /** @return the coverage each row's interval or set was made for */
    static V2Extras.Tensor coverage(V2Inference.Answer answer) {
        List<Uncertainty> rows = answer.uncertainties();
        return new V2Extras.Tensor(
                new V2Inference.Output(AnswerField.COVERAGE.key(), "FP64", List.of((long) rows.size())),
                rows.stream().map(Uncertainty::coverage).toList());
    }

    /** @return each row's novelty p-value */
    static V2Extras.Tensor novelty(V2Inference.Answer answer) {
        List<Uncertainty> rows = answer.uncertainties();
        return new V2Extras.Tensor(
                new V2Inference.Output(NOVELTY, "FP64", List.of((long) rows.size())),
                rows.stream().map(u -> u.novelty().pValue()).toList());
    }

    /** @return what the request parameter {@code coverage} does for a model with this calibration (null: none) */
    static String parameterText(Conformal conformal) {
        return conformal == null
                ? "\"coverage\" is refused (400): the model's card has no calibration"
                : "\"coverage\" adds the outputs its schema names";
    }

    /** The request parameter {@code coverage}, as every route takes it ({@link CoverageField}). */
    static Schema<?> parameterSchema() {
        return OpenApi.coverage()
                .description("the coverage each row's interval or prediction set is made for; the outputs "
                        + LOWER + " and " + UPPER + " (a regressor's) or prediction_set (a classifier's), then coverage"
                        + " and, where the card can tell, " + NOVELTY);
    }

    /**
     * @param conformal the model card's calibration, or null when it has none (and so answers no coverage)
     * @return the outputs {@code field} is written as when a coverage is asked for, by name in the order written, each
     *         as its tensor's schema; none for a field this class does not write or this calibration cannot answer
     */
    static Map<String, Schema<?>> outputSchemas(AnswerField field, Conformal conformal) {
        Map<String, Schema<?>> outputs = new LinkedHashMap<>();
        if (conformal == null || (field == AnswerField.NOVELTY && conformal.novelty() == null)) {
            return outputs;
        }
        String name = field == AnswerField.NOVELTY ? NOVELTY : field.key();
        return switch (field) {
            case INTERVAL -> {
                outputs.put(LOWER, V2Extras.outputSchema(LOWER, "FP64", 1, "[N]", new NumberSchema()));
                outputs.put(UPPER, V2Extras.outputSchema(UPPER, "FP64", 1, "[N]", new NumberSchema()));
                yield outputs;
            }
            case PREDICTION_SET ->
                Map.of(
                        name,
                        V2Extras.outputSchema(
                                name,
                                "BOOL",
                                2,
                                "[N, classes]: whether each class, in the order of probabilities, is in the row's set",
                                new BooleanSchema()));
            case COVERAGE, NOVELTY -> Map.of(name, V2Extras.outputSchema(name, "FP64", 1, "[N]", share()));
            // not a coverage's: the answer's other outputs
            case LABEL, DISPLAY_NAME, PROBABILITIES, VALUE, WARNINGS, EXPLANATION, ERRORS -> outputs;
        };
    }

    /** A number from 0 to 1. */
    private static NumberSchema share() {
        return (NumberSchema) new NumberSchema().minimum(BigDecimal.ZERO).maximum(BigDecimal.ONE);
    }
}
