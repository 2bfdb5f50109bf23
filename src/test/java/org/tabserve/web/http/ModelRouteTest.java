package org.tabserve.web.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRouteTest {

    @Test
    void aPathVersionInAsciiDigitsNamesThatVersion() {
        assertEquals(Optional.of(12L), ModelRoute.of("m", "12").version());
        assertEquals(Optional.empty(), ModelRoute.of("m", null).version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "+1", "\uFF11", "0", "-1", "1e0"})
    void anotherSpellingOfAVersionIsA404NamingIt(String version) {
        HttpProblem problem = assertThrows(HttpProblem.class, () -> ModelRoute.of("m", version),
                () -> version + " was taken as " + ModelRoute.of("m", version).version());
        assertEquals(404, problem.status());
        assertTrue(problem.detail().contains("no version '" + version + "' of model 'm'"), problem.detail());
    }
}
