package org.tabserve.model;

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
        Object[] row = {null};
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
}
