package org.tabserve.launcher.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ProblemAnswerTest {

    @Test
    void anyTextIsAValidJsonStringOfItself() throws Exception {
        String text = "a \"quoted\" C:\\path\ttab\nline \u0001 and é ✓";
        String json = "\"" + ProblemAnswer.escaped(text) + "\"";
        assertEquals(text, new ObjectMapper().readValue(json, String.class));
    }
}
