package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelVersionTest {

    @ParameterizedTest
    @ValueSource(strings = {"1", "2", "10", "120", "999999999999999999"})
    void aWholeNumberFromOneInAsciiDigitsIsTheVersionItSpells(String text) {
        assertEquals(OptionalLong.of(Long.parseLong(text)), ModelVersion.parse(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "01",
                "+1",
                "\uFF11",
                "\u0661",
                "0",
                "00",
                "-1",
                " 1",
                "1 ",
                "1e0",
                "0x1",
                "1.0",
                "",
                "1000000000000000000",
                "9223372036854775807",
                "99999999999999999999"
            })
    void anyOtherSpellingIsNoVersion(String text) {
        assertEquals(OptionalLong.empty(), ModelVersion.parse(text), text);
    }
}
