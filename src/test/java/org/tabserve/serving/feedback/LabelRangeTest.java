package org.tabserve.serving.feedback;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A regressor's labels: finite, and within the target's range widened by its width on each side, the range being the
 * values the version answered when its card has none; so 1.7e308, which summed twice made the live MAE infinite and
 * erased it for an hour, is refused saying why.
 */
class LabelRangeTest {

    @Test
    void aLabelFarOutsideTheAnsweredRangeOrNotFiniteIsRefusedInWords() {
        LabelRange range = new LabelRange(null);
        assertNull(range.refusal(1.7e308), "before any answer there is nothing a label could join");
        range.answered(3000, 6000);
        assertNull(range.refusal(3800));
        assertNull(range.refusal(0), "the width is at least the larger end: 6000");
        assertNull(range.refusal(12_000));
        String huge = range.refusal(1.7e308);
        assertTrue(huge.contains("out of range") && huge.contains("-3000.00") && huge.contains("12000.0"), huge);
        assertTrue(range.refusal(-12_000).contains("out of range"));
        assertTrue(range.refusal(Double.POSITIVE_INFINITY).contains("finite"));
        assertTrue(range.refusal(Double.NaN).contains("finite"));
    }

    @Test
    void oneAnswerOfZeroStillTakesSmallLabels() {
        LabelRange range = new LabelRange(null);
        range.answered(0, 0);
        assertNull(range.refusal(0.5));
        assertTrue(range.refusal(5).contains("out of range"));
    }
}
