package org.tabserve.model.signature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a cell that cannot be taken is refused, in words its sender can act on. */
class CellCheckerTest {

    private static ModelSignature textInput(List<String> categories) {
        return new ModelSignature(
                List.of(new ModelInput(
                        "embarked",
                        ValueType.STRING,
                        List.of(new Feature("embarked", ValueType.STRING, false, categories, false)),
                        2)),
                Task.CLASSIFICATION,
                List.of("died", "survived"),
                OutputKind.PROBABILITIES,
                false,
                0);
    }

    private static String refusal(ModelSignature signature) {
        return refusal(signature, null);
    }

    private static String refusal(ModelSignature signature, Object cell) {
        Object[] row = {cell};
        return assertThrows(ModelException.class, () -> Batch.of(signature, List.<Object[]>of(row)))
                .getMessage();
    }

    /** Issue 39, item 1: titanic's embarked knows "missing", its exporter's imputer value; the refusal says so. */
    @Test
    void aMissingTextValueWhoseImputerWordTheModelKnowsIsRefusedNamingTheWord() {
        String named = refusal(textInput(List.of("C", "Q", "S", "missing")));
        assertTrue(
                named.contains("missing value for 'embarked'")
                        && named.contains("the model knows \"missing\" among" + " the values of 'embarked'")
                        && named.contains("send \"missing\" where 'embarked' is missing"),
                named);
        String plain = refusal(textInput(List.of("C", "Q", "S")));
        assertTrue(plain.contains("missing value for 'embarked'"), plain);
        assertFalse(plain.contains("the model knows"), "no word to suggest: " + plain);
        assertTrue(
                Arrays.asList(refusal(textInput(List.of("a", "missing_value"))).split("\""))
                        .contains("missing_value"));
    }

    /** Issue 79, item 3: an empty text is a missing value however it is sent, refused in a missing value's words. */
    @Test
    void anEmptyTextIsRefusedAsAMissingValueIs() {
        for (List<String> categories : List.of(List.of("C", "Q", "S"), List.of("C", "Q", "S", "missing"))) {
            ModelSignature signature = textInput(categories);
            assertEquals(refusal(signature, null), refusal(signature, ""), categories.toString());
        }
        String known = refusal(textInput(List.of("C", "Q", "S", "")), "");
        assertTrue(
                known.contains("missing value for 'embarked'")
                        && known.contains("card --text-missing-as \"\" takes a missing 'embarked'"),
                known);
    }

    /** Where the card declares a missing text's value, an empty text is taken as it, with the warning null gets. */
    @Test
    void anEmptyTextIsTakenAsTheCardsWordWithTheWarningNullGets() {
        Feature embarked =
                new Feature("embarked", ValueType.STRING, null, List.of("C", "Q", "S", "missing"), false, "missing");
        ModelSignature signature = new ModelSignature(
                List.of(new ModelInput("embarked", ValueType.STRING, List.of(embarked), 2)),
                Task.CLASSIFICATION,
                List.of("died", "survived"),
                OutputKind.PROBABILITIES,
                false,
                0);
        Batch empty = Batch.of(signature, List.<Object[]>of(new Object[] {""}));
        Batch missing = Batch.of(signature, List.<Object[]>of(new Object[] {null}));
        assertArrayEquals(new String[] {"missing"}, (String[]) empty.data(0));
        assertArrayEquals((String[]) missing.data(0), (String[]) empty.data(0));
        assertEquals(missing.warnings(0), empty.warnings(0));
        assertTrue(empty.warnings(0).get(0).message().contains("is missing and was taken as \"missing\""));
    }
}
