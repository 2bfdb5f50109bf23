package org.tabserve.web.pages;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Numbers written for people on the pages, so that the form, the charts and the hints round them one way. */
final class Decimals {

    private Decimals() {
    }

    /** At most four decimals, half up, no trailing zeros, never in scientific notation: {@code 0.1235}, {@code 12}. */
    static String fourPlaces(double value) {
        return BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
