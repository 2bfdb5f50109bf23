package org.tabserve.serving.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.serving.budget.ServingException;

/**
 * The scope {@code label:any} (issue 63, item 5): a labelling service's, read as one scope on every model or on one
 * ({@code label:any:notes}), never as {@code label} on a model named {@code any}; it allows {@code label} too, and a
 * client with {@code label} alone is refused it in words that name it.
 */
class GrantTest {

    @Test
    void labelAnyIsOneScopeOnEveryModelOrOneAndAllowsLabel() {
        assertEquals(new Grant(Scope.LABEL_ANY, Grant.ALL), Grant.parse("label:any"));
        assertEquals(new Grant(Scope.LABEL_ANY, "notes"), Grant.parse("label:any:notes"));
        assertEquals(new Grant(Scope.LABEL, "notes"), Grant.parse("label:notes"));
        assertEquals("label:any", Grant.parse("label:any").toString());
        assertEquals("label:any:notes", Grant.parse("label:any:notes").toString());
        assertThrows(IllegalArgumentException.class, () -> Grant.parse("label:any:"));

        Caller service = Caller.of("labeller", List.of(Grant.parse("label:any:notes")));
        assertTrue(service.may(Scope.LABEL, "notes"), "label:any gives label");
        assertTrue(service.may(Scope.LABEL_ANY, "notes"));
        assertFalse(service.may(Scope.LABEL_ANY, "mass"));
        assertFalse(service.may(Scope.PREDICT, "notes"));

        Caller own = Caller.of("alice", List.of(Grant.parse("label")));
        assertTrue(own.may(Scope.LABEL, "notes"));
        assertFalse(own.may(Scope.LABEL_ANY, "notes"), "label alone is for its own answers");
        ServingException refused =
                assertThrows(ServingException.class, () -> own.require(Scope.LABEL_ANY, "notes", "send a key"));
        assertTrue(
                refused.getMessage().contains("label:any:notes (or label:any, on every model)"), refused.getMessage());
    }
}
