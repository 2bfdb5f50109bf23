package org.tabserve.web.pages.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Round ticks: steps of 1, 2 or 5 times a power of ten, a readable count of them, and labels without float noise. */
class NiceTicksTest {

    @Test
    void anAxisIsWidenedToRoundTicksAroundItsValues() {
        NiceTicks scatter = NiceTicks.covering(2700, 6300); // body_mass_g in the penguins data
        assertEquals(List.of(2000.0, 3000.0, 4000.0, 5000.0, 6000.0, 7000.0), scatter.ticks());
        assertEquals(
                List.of("2000", "3000", "4000", "5000", "6000", "7000"),
                scatter.ticks().stream().map(scatter::label).toList());

        NiceTicks unit = NiceTicks.covering(0, 1); // ROC and calibration
        assertEquals(
                List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"),
                unit.ticks().stream().map(unit::label).toList());
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), unit.ticks(), "k times 0.2, with no float noise");

        NiceTicks odd = NiceTicks.covering(-256.16, 512.3);
        assertEquals(List.of(-400.0, -200.0, 0.0, 200.0, 400.0, 600.0), odd.ticks());
        assertEquals("0", odd.label(-0.0), "no minus zero");
    }

    @Test
    void aFixedRangeGetsAtLeastThreeRoundTicksInsideIt() {
        NiceTicks bill = NiceTicks.within(32.1, 59.6);
        assertEquals(List.of(35.0, 40.0, 45.0, 50.0, 55.0), bill.ticks(), "10 leaves two inside: 5 is used");
        NiceTicks small = NiceTicks.within(0.0123, 0.0177);
        assertEquals(
                List.of("0.013", "0.014", "0.015", "0.016", "0.017"),
                small.ticks().stream().map(small::label).toList());
    }

    /** Over ranges of every size and place, the ticks are round, evenly stepped, cover the range and are 3 to 7. */
    @Test
    void everyRangeGetsBetweenThreeAndSevenRoundEvenlySteppedTicks() {
        for (int exponent = -6; exponent <= 9; exponent++) {
            for (double width : new double[] {1, 1.3, 1.9, 2.5, 3.3, 4.9, 6.1, 7.7, 9.99}) {
                for (double start : new double[] {-7.3, -1, 0, 0.4, 3.7, 120}) {
                    double min = start * Math.pow(10, exponent);
                    double max = min + width * Math.pow(10, exponent);
                    NiceTicks covering = NiceTicks.covering(min, max);
                    String where = "[" + min + ", " + max + "]: " + covering.ticks();
                    assertTrue(covering.ticks().size() >= 3 && covering.ticks().size() <= 7, where);
                    double noise = covering.step() * 1e-9; // min and max are products of doubles themselves
                    assertTrue(covering.from() <= min + noise && covering.to() >= max - noise, where);
                    assertRoundSteps(covering, where);
                    NiceTicks within = NiceTicks.within(min, max);
                    assertTrue(within.ticks().size() >= 3 && within.ticks().size() <= 9, "within " + where);
                    assertTrue(
                            within.from() >= min - 1e-12 * Math.abs(min) && within.to() <= max + 1e-12 * Math.abs(max),
                            "within " + where + ": " + within.ticks());
                    assertRoundSteps(within, "within " + where);
                }
            }
        }
    }

    private static void assertRoundSteps(NiceTicks ticks, String where) {
        double mantissa = ticks.step() / Math.pow(10, Math.floor(Math.log10(ticks.step())));
        assertTrue(List.of(1.0, 2.0, 5.0).stream().anyMatch(m -> Math.abs(m - mantissa) < 1e-9), where);
        for (int i = 1; i < ticks.ticks().size(); i++) {
            assertEquals(ticks.step(), ticks.ticks().get(i) - ticks.ticks().get(i - 1), ticks.step() * 1e-6, where);
        }
        for (double tick : ticks.ticks()) {
            String label = ticks.label(tick);
            assertEquals(tick, Double.parseDouble(label), ticks.step() * 1e-6, where + ": label " + label);
            assertTrue(label.length() <= 12, where + ": label " + label);
        }
    }
}
