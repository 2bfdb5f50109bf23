package org.tabserve.model.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values outside the training range are flagged per feature, in words a person can act on. */
class RangeWarningTest {

    private static final List<String> FEATURES = List.of("variance", "entropy", "skewness");
    private static final Map<String, FeatureStats> STATS = Map.of(
            "variance", new FeatureStats(-7.0, 6.5, 0.4),
            "entropy", new FeatureStats(-8.5, 2.4, -1.2));

    @Test
    void valuesInsideTheRangeEndsIncludedGetNoWarning() {
        assertEquals(
                List.of(),
                RangeWarning.check(FEATURES, new double[] {6.5, -8.5, 1e9}, STATS),
                "range ends are inside, and a feature without statistics is never flagged");
    }

    @Test
    void aValueAboveOrBelowTheRangeIsFlaggedWithItsDirection() {
        assertEquals(
                List.of(
                        new RangeWarning(
                                "variance", "the model has not seen a variance this high; treat the answer with care"),
                        new RangeWarning(
                                "entropy", "the model has not seen an entropy this low; treat the answer with care")),
                RangeWarning.check(FEATURES, new double[] {30, -9, 0}, STATS));
    }
}
