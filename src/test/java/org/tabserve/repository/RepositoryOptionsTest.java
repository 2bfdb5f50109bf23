package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RepositoryOptionsTest {

    private static Optional<RepositoryOptions> resolve(Map<String, String> settings) {
        return RepositoryOptions.resolve(key -> Optional.ofNullable(settings.get(key)));
    }

    @Test
    void noDirectoryMeansNoRepository() {
        assertEquals(Optional.empty(), resolve(Map.of("tabserve.max-models", "3")));
    }

    @Test
    void defaultsToOneScanAHundredModelsAndNoNamedDefault() {
        RepositoryOptions options =
                resolve(Map.of("tabserve.models", "/srv/models")).orElseThrow();
        assertEquals(
                new RepositoryOptions(Optional.of(Path.of("/srv/models")), 100, Optional.empty(), Duration.ZERO, 2),
                options);
    }

    @Test
    void readsEverySetting() {
        RepositoryOptions options = resolve(Map.of(
                        "tabserve.models",
                        "/m",
                        "tabserve.poll-seconds",
                        "10",
                        "tabserve.max-models",
                        "5",
                        "tabserve.default-model",
                        "iris"))
                .orElseThrow();
        assertEquals(
                new RepositoryOptions(Optional.of(Path.of("/m")), 5, Optional.of("iris"), Duration.ofSeconds(10), 2),
                options);
    }

    @Test
    void refusesValuesThatMakeNoSenseNamingTheSetting() {
        for (Map<String, String> bad : java.util.List.of(
                Map.of("tabserve.poll-seconds", "-1"),
                Map.of("tabserve.max-models", "0"),
                Map.of("tabserve.max-models", "many"),
                Map.of("tabserve.default-model", "../etc"))) {
            Map<String, String> settings = new java.util.HashMap<>(bad);
            settings.put("tabserve.models", "/m");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve(settings));
            String key = bad.keySet().iterator().next();
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }
}
