package org.tabserve.rows.field;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumberTextTest {

    @ParameterizedTest
    @CsvSource({"3.6216, 3.6216", "-0.44699, -0.44699", " 42 , 42", "+1e3, 1000", ".5, 0.5", "7., 7", "-2.5E-2, -0.025"
    })
    void readsPlainDecimalNumbers(String text, double expected) {
        assertEquals(Optional.of(expected), NumberText.parse(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "abc",
                "NaN",
                "Infinity",
                "-Infinity",
                "0x1p3",
                "1e400",
                "1,5",
                "1.2.3",
                "--1",
                "1e",
                "3d",
                "2f"
            })
    void refusesAnythingElse(String text) {
        assertEquals(Optional.empty(), NumberText.parse(text));
    }

    @org.junit.jupiter.api.Test
    void handWrittenCheckAgreesWithTheRegularExpression() {
        String[] samples = {
            "0",
            "1",
            "-1",
            "+1",
            "1.",
            ".5",
            "-.5",
            "+.5e3",
            "5.e3",
            "1e5",
            "1E-5",
            "1e+5",
            ".",
            "-",
            "+",
            "e5",
            "1e",
            "1e+",
            "1.2.3",
            "--1",
            "1-",
            "0x10",
            "NaN",
            "Infinity",
            " 1",
            "1 ",
            "",
            "١",
            "1_000",
            "3.6216",
            "-0.44699",
            "12345678901234567890",
            "1.5e308",
            "1e-400",
            ".e1",
            "+.",
            "1ee5",
            "1.e",
            "٣.5"
        };
        for (String sample : samples) {
            org.junit.jupiter.api.Assertions.assertEquals(
                    NumberText.DECIMAL.matcher(sample).matches(), NumberText.isDecimal(sample), sample);
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "3,6|3.6",
                "-0,44|-0.44",
                " 42 |42",
                ",5|0.5",
                "1234,5|1234.5",
                "1,5e3|1500",
                "3.6|3.6",
                "-0.44699|-0.44699",
                "12.5|12.5",
                "1234.567|1234.567",
                "0.125|0.125",
                "-0.447|-0.447",
                "1,234|1.234"
            })
    void readsDecimalCommasAndUnambiguousDecimalPoints(String text, double expected) {
        assertEquals(Optional.of(expected), NumberText.parseDecimalComma(text));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "1.234,5|with both '.' and ','",
                "1,234.5|with both '.' and ','",
                "1,234,567|more than one ','",
                "1.234|write 1234 if that is meant, or 1,234 for a decimal",
                "-12.500|write -12500 if that is meant",
                "1.234.567|write 1234567 if that is meant",
                "NaN|must be a finite decimal number",
                "0x1p3|must be a finite decimal number"
            })
    void refusesWhatADecimalCommaFileCouldMeanTwoWaysNamingWhy(String text, String why) {
        assertEquals(Optional.empty(), NumberText.parseDecimalComma(text));
        String problem = NumberText.decimalCommaProblem("variance", text);
        org.junit.jupiter.api.Assertions.assertTrue(problem.startsWith("'variance'") && problem.contains(why), problem);
    }
}
