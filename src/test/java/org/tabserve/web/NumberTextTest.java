package org.tabserve.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NumberTextTest {

    @ParameterizedTest
    @CsvSource({"3.6216, 3.6216", "-0.44699, -0.44699", " 42 , 42", "+1e3, 1000", ".5, 0.5", "7., 7", "-2.5E-2, -0.025"})
    void readsPlainDecimalNumbers(String text, double expected) {
        assertEquals(Optional.of(expected), NumberText.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "NaN", "Infinity", "-Infinity", "0x1p3", "1e400", "1,5", "1.2.3", "--1", "1e", "3d", "2f"})
    void refusesAnythingElse(String text) {
        assertEquals(Optional.empty(), NumberText.parse(text));
    }
}
