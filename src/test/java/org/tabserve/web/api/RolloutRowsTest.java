package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A rollout's disagreements as each caller sees them: anonymous, each row's difference alone; with the admin token,
 * its answers and inputs without the masked columns, named; every key of the rollout kept, and the status it was
 * given left as it was.
 */
class RolloutRowsTest {

    @Test
    void anonymousCallersGetDifferencesAndTheAdminRowsWithoutMaskedColumns() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("difference", 0.25);
        row.put("answers", Map.of("1", "0", "2", "1"));
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("email", "a@example.com");
        inputs.put("age", 41.0);
        row.put("inputs", inputs);
        Map<String, Object> shadow = new LinkedHashMap<>();
        shadow.put("version", 2L);
        shadow.put("compared", 7L);
        shadow.put("disagreements", List.of(row));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("model", "m");
        status.put("shadow", shadow);
        status.put("canary", null);
        RolloutRows rows = new RolloutRows(Set.of("email"));

        Map<String, Object> anonymous = rows.shown(status, false);
        assertEquals(List.of("model", "shadow", "canary"), List.copyOf(anonymous.keySet()));
        Map<?, ?> part = (Map<?, ?>) anonymous.get("shadow");
        assertEquals(List.of("version", "compared", "disagreements"), List.copyOf(part.keySet()));
        assertEquals(List.of(Map.of("difference", 0.25)), part.get("disagreements"));

        Map<?, ?> admin = (Map<?, ?>)
                ((List<?>) ((Map<?, ?>) rows.shown(status, true).get("shadow")).get("disagreements")).get(0);
        assertEquals(Map.of("age", 41.0), admin.get("inputs"));
        assertEquals(List.of("email"), admin.get("masked"));
        assertEquals(row.get("answers"), admin.get("answers"));
        assertEquals("a@example.com", inputs.get("email"), "the status given is not changed");
    }
}
