package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** What the docs show under a command is held to the real answer: its keys, texts, figures and lists of values. */
class ShownAnswerTest {

    private static final String REGRESSOR = "{\"value\":3991.8349609375,\"warnings\":[]}";
    private static final String CLASSIFIER = "{\"label\":\"0\",\"display_name\":\"genuine\",\"probabilities\":"
            + "{\"0\":0.9973388910293579,\"1\":0.002661044942215085},\"warnings\":[]}";
    private static final String V2 = "{\"model_name\":\"banknote-authenticator\",\"outputs\":[{\"name\":\"label\","
            + "\"shape\":[1],\"data\":[\"0\"]},{\"name\":\"probabilities\",\"shape\":[1,2],\"data\":[0.9973389,0.002661045]}]}";

    private static void holds(String shown, String answer) throws Exception {
        ShownAnswer.assertShown(shown, answer, "test");
    }

    private static void fails(String shown, String answer) {
        assertThrows(AssertionFailedError.class, () -> ShownAnswer.assertShown(shown, answer, "test"), shown);
    }

    @Test
    void aFigureShownWithDotsHoldsToItsLastDigitAndAWrongFigureFails() throws Exception {
        holds("{\"value\":3991.83...,\"warnings\":[]}", REGRESSOR);
        fails("{\"value\":3754.05...,\"warnings\":[]}", REGRESSOR);
        fails("{\"value\":3991.85...,\"warnings\":[]}", REGRESSOR);
        holds("{\"label\":\"0\",\"probabilities\":{\"0\":0.99...,\"1\":0.00...},\"warnings\":[]}", CLASSIFIER);
        fails("{\"label\":\"0\",\"probabilities\":{\"0\":0.98...,\"1\":0.00...},\"warnings\":[]}", CLASSIFIER);
    }

    @Test
    void aFigureShownWithoutDotsMustBeExact() throws Exception {
        holds(V2.replace("\"model_name\"", "\"model_name\""), V2);
        fails(V2.replace("0.9973389", "0.997339"), V2);
        holds("{\"value\":3991.8349609375}", REGRESSOR);
        fails("{\"value\":3991.83}", REGRESSOR);
    }

    @Test
    void listsOfValuesAreComparedElementByElementUpToDots() throws Exception {
        holds("{\"predictions\":[\"0\",\"1\"]}", "{\"predictions\":[\"0\",\"1\"]}");
        fails("{\"predictions\":[\"0\",\"1\"]}", "{\"predictions\":[\"0\",\"0\"]}");
        fails("{\"predictions\":[\"0\"]}", "{\"predictions\":[\"0\",\"0\"]}");
        holds("{\"predictions\":[\"0\",...]}", "{\"predictions\":[\"0\",\"0\"]}");
        holds(
                "{\"outputs\":[{\"name\":\"variable\",\"shape\":[1,1],\"data\":[...]}]}",
                "{\"outputs\":[{\"name\":\"variable\",\"shape\":[1,1],\"data\":[3991.83]}]}");
        fails("{\"outputs\":[{\"shape\":[1,2]}]}", "{\"outputs\":[{\"shape\":[1,1]}]}");
    }

    @Test
    void aProblemShownSaysTheStatusItsExampleExpects() {
        assertEquals(
                java.util.OptionalInt.of(400),
                ShownAnswer.status(
                        "{\"type\":\"about:blank\",\"title\":\"Invalid "
                                + "input\",\"status\":400,\"detail\":\"2 fields are invalid\",\"errors\":[{\"field\":\"x\"}]}"));
        assertEquals(java.util.OptionalInt.empty(), ShownAnswer.status("{\"status\":\"ready\",\"model\":\"m\"}"));
        assertEquals(java.util.OptionalInt.empty(), ShownAnswer.status(REGRESSOR));
        assertEquals(java.util.OptionalInt.empty(), ShownAnswer.status(null));
    }

    @Test
    void aTextShownAsItsStartMustStartSo() throws Exception {
        String swapped = "{\"status\":\"swapped\",\"sha256\":\"5f0e305ad935d1e2\"}";
        holds("{\"status\":\"swapped\",\"sha256\":\"5f0e305ad935...\"}", swapped);
        fails("{\"status\":\"swapped\",\"sha256\":\"5f0e305ad936...\"}", swapped);
    }

    @Test
    void keysAndTextsAsBefore() throws Exception {
        fails("{\"label\":\"1\"}", CLASSIFIER);
        fails("{\"lable\":\"0\"}", CLASSIFIER);
        holds(
                "[{\"name\":\"banknote-authenticator\",\"version\":\"1\"},...]",
                "[{\"name\":\"banknote-authenticator\",\"version\":\"1\",\"state\":\"READY\"}]");
    }
}
