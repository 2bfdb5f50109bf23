package org.tabserve.web.v2;

import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.Uncertainty;
import org.tabserve.rows.answer.CoverageField;
import org.tabserve.rows.answer.UncertaintyJson;

/**
 * The outputs an inference request gains when it asks for coverage ({@code "coverage"} among its parameters),
 * whichever transport writes them: a regressor's {@value #LOWER} and {@value #UPPER} (FP64 {@code [N]}), a
 * classifier's {@code prediction_set} (BOOL {@code [N, classes]}: whether each class, in the order of
 * {@code probabilities}, is in the row's set), then {@code coverage} (FP64 {@code [N]}) and, where the card can tell,
 * {@value #NOVELTY} (FP64 {@code [N]}, the row's novelty p-value).
 */
final class V2Coverage {

    /** A regressor's interval's lower ends. */
    static final String LOWER = "interval_lower";
    /** A regressor's interval's upper ends. */
    static final String UPPER = "interval_upper";
    /** Each row's novelty p-value. */
    static final String NOVELTY = "novelty_p_value";

    private V2Coverage() {}

    /** @param answer an answer to a request that asked for coverage */
    static List<V2Extras.Tensor> tensors(V2Inference.Answer answer) {
        List<Uncertainty> rows = answer.uncertainties();
        long n = rows.size();
        List<V2Extras.Tensor> tensors = new ArrayList<>();
        boolean regressor = !rows.isEmpty() && rows.get(0).interval() != null
                || rows.isEmpty() && answer.classifier().valueOutput().isPresent();
        if (regressor) {
            tensors.add(new V2Extras.Tensor(
                    new V2Inference.Output(LOWER, "FP64", List.of(n)),
                    rows.stream().map(u -> u.interval().lower()).toList()));
            tensors.add(new V2Extras.Tensor(
                    new V2Inference.Output(UPPER, "FP64", List.of(n)),
                    rows.stream().map(u -> u.interval().upper()).toList()));
        } else {
            List<String> classes = answer.classifier().signature().classLabels();
            List<Boolean> mask = new ArrayList<>(rows.size() * classes.size());
            for (Uncertainty row : rows) {
                for (String label : classes) {
                    mask.add(row.predictionSet().contains(label));
                }
            }
            tensors.add(new V2Extras.Tensor(
                    new V2Inference.Output(UncertaintyJson.PREDICTION_SET, "BOOL", List.of(n, (long) classes.size())),
                    mask));
        }
        tensors.add(new V2Extras.Tensor(
                new V2Inference.Output(CoverageField.NAME, "FP64", List.of(n)),
                rows.stream().map(Uncertainty::coverage).toList()));
        if (!rows.isEmpty() && rows.get(0).novelty() != null) {
            tensors.add(new V2Extras.Tensor(
                    new V2Inference.Output(NOVELTY, "FP64", List.of(n)),
                    rows.stream().map(u -> u.novelty().pValue()).toList()));
        }
        return tensors;
    }
}
