package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;

/** Checks that a Python gRPC client's printed Open Inference outputs are REST's infer outputs for the same request. */
public final class V2Outputs {

    private V2Outputs() {}

    /**
     * Asserts that {@code got}'s outputs are {@code want}'s, output by output: name, datatype, shape and every value,
     * FP32 values as the same float (REST writes the float32's shortest decimal form, Python the double it widens
     * to), any other value as the same JSON value.
     *
     * @param said what the client printed, for a failure's message
     */
    public static void assertSame(JsonNode want, JsonNode got, String said) {
        assertEquals(want.path("outputs").size(), got.path("outputs").size(), said);
        for (int o = 0; o < want.path("outputs").size(); o++) {
            JsonNode w = want.path("outputs").get(o);
            JsonNode g = got.path("outputs").get(o);
            assertEquals(w.path("name"), g.path("name"));
            assertEquals(w.path("datatype"), g.path("datatype"));
            assertEquals(w.path("shape"), g.path("shape"));
            assertEquals(w.path("data").size(), g.path("data").size(), g.toString());
            for (int i = 0; i < w.path("data").size(); i++) {
                if (w.path("datatype").asText().equals("FP32")) {
                    assertEquals(
                            (float) w.path("data").get(i).asDouble(),
                            (float) g.path("data").get(i).asDouble(),
                            w.path("name").asText() + " " + i);
                } else {
                    assertEquals(
                            w.path("data").get(i),
                            g.path("data").get(i),
                            w.path("name").asText() + " " + i);
                }
            }
        }
    }
}
