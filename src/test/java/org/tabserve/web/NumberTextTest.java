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

    @org.junit.jupiter.api.Test
    void handWrittenCheckAgreesWithTheRegularExpression() {
        String[] samples = {"0", "1", "-1", "+1", "1.", ".5", "-.5", "+.5e3", "5.e3", "1e5", "1E-5", "1e+5", ".", "-",
                "+", "e5", "1e", "1e+", "1.2.3", "--1", "1-", "0x10", "NaN", "Infinity", " 1", "1 ", "", "١", "1_000",
                "3.6216", "-0.44699", "12345678901234567890", "1.5e308", "1e-400", ".e1", "+.", "1ee5", "1.e", "٣.5"};
        for (String sample : samples) {
            org.junit.jupiter.api.Assertions.assertEquals(NumberText.DECIMAL.matcher(sample).matches(),
                    NumberText.isDecimal(sample), sample);
        }
    }
}
