package org.tabserve.web.pages;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
