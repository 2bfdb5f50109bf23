package org.tabserve.web.pages.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How the pages write a number for people. */
class DecimalsTest {

    @Test
    void fourDecimalsAtMostRoundedHalfUpWithoutTrailingZerosOrExponents() {
        assertEquals("0.1235", Decimals.fourPlaces(0.12345));
        assertEquals("12", Decimals.fourPlaces(12.0));
        assertEquals("3.62", Decimals.fourPlaces(3.6200));
        assertEquals("0", Decimals.fourPlaces(0.00004));
        assertEquals("-0.0001", Decimals.fourPlaces(-0.00005));
        assertEquals("12000000", Decimals.fourPlaces(1.2e7));
        assertEquals("1234567.891", Decimals.fourPlaces(1234567.891));
    }

    /** Issue 39, item 7: contributions of 0.02 and 0.093 read "+0" and "+0.1" on the bars. */
    @Test
    void signedAmountsKeepTheirSignAndEnoughDigitsToTellThemApart() {
        assertEquals("+0.02", Decimals.signed(0.02));
        assertEquals("+0.093", Decimals.signed(0.093));
        assertEquals("\u22120.0021", Decimals.signed(-0.00213));
        assertEquals("+1.24", Decimals.signed(1.2351));
        assertEquals("\u221212", Decimals.signed(-12.0));
        assertEquals("+3.1e-9", Decimals.signed(3.14e-9));
        assertEquals("\u22121.0e-20", Decimals.signed(-1e-20));
        assertEquals("0", Decimals.signed(0.0));
        assertEquals("+0.1", Decimals.signed(0.1));
    }
}
