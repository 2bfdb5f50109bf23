package org.tabserve.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.serving.budget.ServingException;

class ModelRouteTest {

    @Test
    void aPathVersionInAsciiDigitsNamesThatVersion() {
        assertEquals(Optional.of(12L), ModelRoute.of("m", "12").version());
        assertEquals(Optional.empty(), ModelRoute.of("m", null).version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "+1", "\uFF11", "0", "-1", "1e0"})
    void anotherSpellingOfAVersionIsA404NamingIt(String version) {
        ServingException problem = assertThrows(
                ServingException.class,
                () -> ModelRoute.of("m", version),
                () -> version + " was taken as " + ModelRoute.of("m", version).version());
        assertEquals(ServingException.Kind.NOT_FOUND, problem.kind());
        assertTrue(problem.getMessage().contains("no version '" + version + "' of model 'm'"), problem.getMessage());
    }
}
