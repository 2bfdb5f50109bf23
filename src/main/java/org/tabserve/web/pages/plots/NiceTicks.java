package org.tabserve.web.pages.plots;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The ticks of one plot axis at round values (steps of 1, 2 or 5 times a power of ten), chosen with the classic "nice
 * numbers" algorithm (Heckbert, Graphics Gems, 1990), so that an axis reads 2000, 3000, 4000 rather than 2700.5,
 * 4500.25, 6300: people read a value between round ticks at a glance.
 *
 * @param from  the first tick
 * @param to    the last tick
 * @param step  the distance between two ticks
 * @param ticks every tick, from {@code from} to {@code to}
 */
record NiceTicks(double from, double to, double step, List<Double> ticks) {

    /** How many ticks an axis of the card's plots aims at; it gets from about half as many to this many plus one. */
    static final int TARGET = 5;

    NiceTicks {
        ticks = List.copyOf(ticks);
    }

    /**
     * Ticks that cover {@code [min, max]}: the axis is widened to the round values around it ("loose" labelling), so
     * that its ends are ticks too.
     */
    static NiceTicks covering(double min, double max) {
        double step = step(min, max);
        return of(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
    }

    /**
     * Ticks within {@code [min, max]}, for an axis whose ends are fixed (a histogram's range): at least three, the step
     * made finer (10, 5, 2, 1) while fewer fall inside.
     */
    static NiceTicks within(double min, double max) {
        double step = step(min, max);
        NiceTicks ticks = inside(min, max, step);
        while (ticks.ticks().size() < 3) {
            step = finer(step);
            ticks = inside(min, max, step);
        }
        return ticks;
    }

    private static NiceTicks inside(double min, double max, double step) {
        double from = Math.ceil(min / step - 1e-9) * step;
        double to = Math.floor(max / step + 1e-9) * step;
        return to >= from ? of(from, to, step) : new NiceTicks(from, from, step, List.of());
    }

    /** The next nice step down: 10 to 5, 5 to 2, 2 to 1. */
    static double finer(double step) {
        BigDecimal exact = BigDecimal.valueOf(step).stripTrailingZeros();
        int first = exact.unscaledValue().intValue();
        return first == 5
                ? exact.multiply(BigDecimal.valueOf(0.4)).doubleValue()
                : exact.divide(BigDecimal.valueOf(2)).doubleValue();
    }

    private static NiceTicks of(double from, double to, double step) {
        List<Double> ticks = new ArrayList<>();
        long first = Math.round(from / step);
        long last = Math.round(to / step);
        for (long k = first; k <= last; k++) {
            // k times the step through decimals, so that 3 x 0.1 is 0.3, not 0.30000000000000004
            ticks.add(new BigDecimal(k).multiply(BigDecimal.valueOf(step)).doubleValue());
        }
        return new NiceTicks(ticks.get(0), ticks.get(ticks.size() - 1), step, ticks);
    }

    /** The tick step for {@code [min, max]}: a nice fraction of the range's nice size. */
    static double step(double min, double max) {
        double range = max > min ? max - min : Math.max(1, Math.abs(min));
        return nice(nice(range, false) / (TARGET - 1), true);
    }

    /**
     * The nice number near {@code x}: 1, 2, 5 or 10 times a power of ten, the nearest when {@code round}, else the
     * smallest not below it.
     */
    static double nice(double x, boolean round) {
        int exponent = (int) Math.floor(Math.log10(x));
        double power = BigDecimal.ONE.scaleByPowerOfTen(exponent).doubleValue();
        double fraction = x / power;
        double nice;
        if (round) {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        }
        return BigDecimal.valueOf(nice).scaleByPowerOfTen(exponent).doubleValue();
    }

    /** A tick as text, with as many decimals as the step has: 0.2, 0.4; 2000, 3000; 0.05, 0.10. */
    String label(double tick) {
        int decimals = Math.max(0, BigDecimal.valueOf(step).stripTrailingZeros().scale());
        return BigDecimal.valueOf(tick)
                .setScale(decimals, java.math.RoundingMode.HALF_UP)
                .toPlainString()
                .replaceAll("^-(0(\\.0+)?)$", "$1");
    }

    /** @return the widest label in characters, to make room for them beside an axis */
    int widestLabel() {
        return ticks.stream().mapToInt(t -> label(t).length()).max().orElse(1);
    }
}
