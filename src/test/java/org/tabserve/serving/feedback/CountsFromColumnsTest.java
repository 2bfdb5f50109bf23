package org.tabserve.serving.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.card.Calibration;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * What is counted after scoring reads a batch's predictions from their columns ({@link PredictionColumns}) and counts
 * what it counted from a {@code Prediction} per row: each row's confidence, through the card's calibration curve or
 * not, and the predicted class kept for the labels to come.
 */
class CountsFromColumnsTest {

    private static final List<String> CLASSES = List.of("genuine", "forged");
    private static final int ROWS = 500;

    private final PredictionColumns columns = columns();
    private final List<Prediction> perRow = new ArrayList<>(columns);

    @Test
    void eachRowsConfidenceIsItsPredictionsWithOrWithoutACalibrationCurve() {
        Calibration curve =
                new Calibration("forged", List.of(0.1, 0.5, 0.9), List.of(0.05, 0.6, 0.97), List.of(10L, 20L, 30L));
        for (Confidence confidence : List.of(new Confidence(null), new Confidence(curve))) {
            for (int r = 0; r < ROWS; r++) {
                assertEquals(
                        confidence.of(perRow.get(r).classification()),
                        confidence.of(columns, r),
                        "row " + r + (confidence.calibrated() ? ", calibrated" : ""));
            }
        }
        assertNotEquals(new Confidence(null).of(columns, 7), new Confidence(curve).of(columns, 7), "the curve is read");
    }

    @Test
    void theClassesKeptForLabelsAreThePredictionsClasses() {
        KeptRows fromColumns = KeptRows.of(CLASSES, 0, columns);
        KeptRows fromRows = KeptRows.of(CLASSES, 0, perRow);
        assertEquals(java.util.Arrays.toString(fromRows.classes), java.util.Arrays.toString(fromColumns.classes));
        KeptRows later = KeptRows.of(CLASSES, RecentAnswers.MAX_ROWS - 3, columns);
        assertEquals(3, later.classes.length, "no more than the rows kept for one answer");
    }

    private static PredictionColumns columns() {
        int[] labels = new int[ROWS];
        double[] probabilities = new double[2 * ROWS];
        for (int r = 0; r < ROWS; r++) {
            double forged = (r * 37 % 101) / 100.0;
            probabilities[2 * r] = 1 - forged;
            probabilities[2 * r + 1] = forged;
            labels[r] = forged > 0.5 ? 1 : 0;
        }
        return PredictionColumns.classified(CLASSES, labels, probabilities);
    }
}
