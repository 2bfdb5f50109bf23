package org.tabserve.model.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The population stability index against values worked out by hand from its formula. */
class PsiTest {

    @Test
    void twoBinsMatchTheFormulaWorkedByHand() {
        // shares 0.5/0.5 in training, 0.8/0.2 live: (0.8-0.5)ln(0.8/0.5) + (0.2-0.5)ln(0.2/0.5) = 0.3 ln 1.6 + 0.3 ln
        // 2.5
        assertEquals(0.4158883083, Psi.of(new double[] {50, 50}, new long[] {80, 20}), 1e-9);
    }

    @Test
    void anEmptyTrainingBinCountsForEpsilon() {
        // training 0.5/0.5/0 (the last taken as 1e-4), live 0.25/0.25/0.5:
        // 2 × (0.25-0.5)ln(0.25/0.5) + (0.5-0.0001)ln(0.5/0.0001) = 0.5 ln 2 + 0.4999 ln 5000
        assertEquals(4.6043184667, Psi.of(new double[] {2, 2, 0}, new long[] {1, 1, 2}), 1e-9);
    }

    @Test
    void theSameDistributionScoresZeroAndNoDataScoresNothing() {
        assertEquals(0, Psi.of(new double[] {10, 30, 60}, new long[] {1, 3, 6}), 1e-12);
        assertTrue(Double.isNaN(Psi.of(new double[] {1, 1}, new long[] {0, 0})));
        assertEquals("small", Psi.reading(0.05));
        assertEquals("moderate", Psi.reading(0.1));
        assertEquals("large", Psi.reading(0.25));
        assertEquals("not enough data", Psi.reading(Double.NaN));
    }
}
