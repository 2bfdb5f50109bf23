package org.tabserve.serving.feedback;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.conformal.Conformal;

/**
 * A regressor's labels: finite, and within what a label can honestly be: the target's range (the card's, else the
 * values the version answered) widened by ten times its scale on each side, so that a true value far from what the
 * model answers (issue 61: a 512.33 fare among answers under 100 refused a batch of 400) is taken, while 1.7e308,
 * which summed twice made the live MAE infinite and erased it for an hour, is refused saying why, with or without a
 * range.
 */
class LabelRangeTest {

    @Test
    void anHonestOutlierFarOutsideTheAnsweredRangeIsTakenAndAnAbsurdValueRefusedInWords() {
        LabelRange range = new LabelRange(null);
        assertNull(range.refusal(1e14), "before any answer, within the wide bound");
        assertTrue(range.refusal(1.7e308).contains("out of range"), "before any answer too");
        range.answered(7, 100);
        assertNull(range.refusal(512.33), "a true fare five times the largest answer");
        assertNull(range.refusal(-900));
        assertNull(range.refusal(1100));
        String huge = range.refusal(1.7e308);
        assertTrue(huge.contains("out of range") && huge.contains("-993.000") && huge.contains("1100.00"), huge);
        assertTrue(range.refusal(1101).contains("out of range"));
        assertTrue(range.refusal(Double.POSITIVE_INFINITY).contains("finite"));
        assertTrue(range.refusal(Double.NaN).contains("finite"));
    }

    @Test
    void oneAnswerOfZeroStillTakesSmallLabels() {
        LabelRange range = new LabelRange(null);
        range.answered(0, 0);
        assertNull(range.refusal(5));
        assertTrue(range.refusal(50).contains("out of range"));
    }

    @Test
    void theTargetValuesTheCardSawAreTheRangeBeforeTheAnswers() {
        Conformal calibration = new Conformal(
                "split conformal",
                "calibration.csv",
                1,
                false,
                Map.of(Conformal.ALL, new double[] {1}),
                List.of(),
                null,
                new double[] {0, 512.33});
        LabelRange range = new LabelRange(
                ModelCard.builder("fares", "1").conformal(calibration).build());
        range.answered(7, 10);
        assertNull(range.refusal(5000), "within the card's range widened, though far past the answers'");
        String refusal = range.refusal(6000);
        assertTrue(refusal.contains("the target values the card saw") && refusal.contains("5635.63"), refusal);
    }
}
