package org.tabserve.web.pages.plots;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** Numbers written for people on the pages, so that the form, the charts and the hints round them one way. */
public final class Decimals {

    private Decimals() {}

    /** At most four decimals, half up, no trailing zeros, never in scientific notation: {@code 0.1235}, {@code 12}. */
    public static String fourPlaces(double value) {
        return BigDecimal.valueOf(value)
                .setScale(4, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }

    /**
     * A signed amount that may be tiny beside others (an input's contribution), with its sign always ({@code +},
     * or the minus sign {@code \u2212}; exactly 0 has none) and enough digits that no amount but 0 reads as 0 and
     * amounts that differ read differently: two decimals from 1 up ({@code +1.24}), two significant digits below
     * ({@code +0.093}, {@code \u22120.0021}), and scientific notation below a millionth ({@code +3.1e-9}).
     */
    static String signed(double value) {
        if (value == 0 || Double.isNaN(value)) {
            return value == 0 ? "0" : "NaN";
        }
        String sign = value > 0 ? "+" : "\u2212";
        double size = Math.abs(value);
        if (Double.isInfinite(size)) {
            return sign + "\u221e";
        }
        if (size >= 1) {
            return sign
                    + BigDecimal.valueOf(size)
                            .setScale(2, RoundingMode.HALF_UP)
                            .stripTrailingZeros()
                            .toPlainString();
        }
        if (size < 1e-6) {
            return sign + String.format(Locale.ROOT, "%.1e", size).replaceFirst("e-0*", "e-");
        }
        return sign
                + BigDecimal.valueOf(size)
                        .round(new MathContext(2, RoundingMode.HALF_UP))
                        .stripTrailingZeros()
                        .toPlainString();
    }
}
