package org.tabserve.serving.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * What a batch's answers add before labels: a classifier's rows' confidence to the hour's estimate, a row whose
 * probability is not a number left out, the same read per row or from the predictions' columns; a regressor's finite
 * answers to the range its labels are checked against.
 */
class UnlabelledFiguresTest {

    private static final List<String> CLASSES = List.of("genuine", "forged");
    private static final long NOW = 42;

    @Test
    void aClassifiersConfidenceIsSummedOverItsRowsLeavingOutOnesThatAreNotANumber() {
        Confidence confidence = new Confidence(null);
        List<Prediction> perRow = List.of(
                new Prediction.Classification("forged", CLASSES, List.of(0.2, 0.8)),
                new Prediction.Classification("genuine", CLASSES, List.of(0.6, 0.4)),
                new Prediction.Classification("genuine", CLASSES, List.of(Double.NaN, Double.NaN)));
        LivePerformance performance = new LivePerformance();
        UnlabelledFigures.confidence(confidence, performance, NOW, perRow);
        double[] sums = performance.recent(NOW);
        assertEquals(2, sums[LivePerformance.Sum.SCORED.ordinal()], "the NaN row is not scored");
        assertEquals(
                confidence.of(perRow.get(0).classification())
                        + confidence.of(perRow.get(1).classification()),
                sums[LivePerformance.Sum.CONFIDENCE.ordinal()],
                1e-12);

        PredictionColumns columns =
                PredictionColumns.classified(CLASSES, new int[] {1, 0, 0}, new double[] {0.2, 0.8, 0.6, 0.4, 0.5, 0.5});
        LivePerformance fromColumns = new LivePerformance();
        UnlabelledFigures.confidence(confidence, fromColumns, NOW, columns);
        double[] columnSums = fromColumns.recent(NOW);
        assertEquals(3, columnSums[LivePerformance.Sum.SCORED.ordinal()]);
        List<Prediction> rowsOfColumns = new ArrayList<>(columns);
        double expected = 0;
        for (Prediction row : rowsOfColumns) {
            expected += confidence.of(row.classification());
        }
        assertEquals(expected, columnSums[LivePerformance.Sum.CONFIDENCE.ordinal()], 1e-12);
    }

    @Test
    void aRegressorsFiniteAnswersWidenTheRangeItsLabelsAreCheckedAgainst() {
        LabelRange range = new LabelRange(null);
        UnlabelledFigures.range(
                range,
                List.of(new Prediction.Regression(Double.NaN), new Prediction.Regression(Double.NEGATIVE_INFINITY)));
        assertNull(range.refusal(1e14), "answers that are not finite give no range: only the wide bound");
        assertTrue(range.refusal(1.7e308).contains("out of range"), "which 1.7e308 is past");
        UnlabelledFigures.range(
                range,
                List.of(
                        new Prediction.Regression(3000),
                        new Prediction.Regression(Double.POSITIVE_INFINITY),
                        new Prediction.Regression(6000)));
        assertNull(range.refusal(66_000), "3000 to 6000, widened by ten times 6000 on each side");
        assertNull(range.refusal(-57_000));
        assertTrue(range.refusal(66_100).contains("out of range"), range.refusal(66_100));
    }
}
