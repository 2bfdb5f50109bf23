package org.tabserve.model.card;

import java.util.List;

/** The check the card's rate lists share: every value a share, between 0 and 1. */
final class Rates {

    private Rates() {}

    static boolean within01(List<Double> values) {
        return values.stream().allMatch(v -> v >= 0 && v <= 1);
    }
}
