package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.web.http.HttpProblem;

/** A request's tensor name finds the model's name exactly, else the one equal ignoring case, never one of two. */
class V2NamesTest {

    @Test
    void anExactNameWinsOverOneEqualIgnoringCase() {
        assertEquals("Age", V2Names.find("Age", List.of("age", "Age"), "input"));
    }

    @Test
    void anUpperCasedNameFindsTheOneModelNameEqualIgnoringCase() {
        assertEquals("label", V2Names.find("LABEL", List.of("label", "probabilities"), "output"));
        assertEquals("float_input", V2Names.find("FLOAT_INPUT", List.of("float_input"), "input"));
    }

    @Test
    void aNameOfNoneIsNull() {
        assertNull(V2Names.find("logits", List.of("label", "probabilities"), "output"));
    }

    @Test
    void aNameTwoModelNamesEqualIgnoringCaseIsA400NamingBoth() {
        HttpProblem problem =
                assertThrows(HttpProblem.class, () -> V2Names.find("AGE", List.of("age", "Age"), "input"));
        assertEquals(400, problem.status());
        assertTrue(
                problem.detail().contains("input 'AGE'") && problem.detail().contains("[age, Age]"), problem.detail());
    }
}
