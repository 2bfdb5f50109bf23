package org.tabserve.rows.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.field.RowsException;

/**
 * {@link JsonRowsParser} refuses a name given twice in any object of a body, in Jackson's words, though it checks the
 * rows' objects itself ({@link NamesSeen}) rather than with Jackson's detector: a feature or an ignored field repeated
 * in a lone row or in a row of {@code instances}, a top-level key repeated, and a repeated name nested in a value it
 * only skips; the same name in two rows is no repetition. Both readings (plain numbers and typed cells) hold it.
 */
class RepeatedNamesTest {

    private static final String ROW = "{\"variance\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}";

    private static JsonRowsParser.ParsedRows parse(ModelSignature signature, String body, boolean plain)
            throws IOException {
        return new JsonRowsParser(signature, 100, plain)
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static void refusedNaming(String name, String body) {
        for (boolean plain : new boolean[] {true, false}) {
            RowsException e = assertThrows(RowsException.class, () -> parse(RowsFixtures.SIGNATURE, body, plain), body);
            assertEquals(RowsException.Kind.MALFORMED, e.kind(), body);
            assertTrue(e.getMessage().contains("Duplicate field '" + name + "'"), e.getMessage());
        }
    }

    private static void accepted(String body, int rows) throws IOException {
        for (boolean plain : new boolean[] {true, false}) {
            assertEquals(rows, parse(RowsFixtures.SIGNATURE, body, plain).rows().size(), body);
        }
    }

    @Test
    void aFeatureOrIgnoredFieldRepeatedInALoneRowIsRefused() throws IOException {
        refusedNaming("variance", ROW.replace("{", "{\"variance\": 1, "));
        refusedNaming("entropy", ROW.replace("}", ", \"entropy\": 4}"));
        refusedNaming("note", ROW.replace("}", ", \"note\": 1, \"note\": 2}"));
        accepted(ROW.replace("}", ", \"note\": 1, \"other\": 2}"), 1);
    }

    @Test
    void aNameRepeatedInARowOfInstancesIsRefusedAndTheSameNameInTwoRowsIsNot() throws IOException {
        accepted("{\"instances\": [" + ROW + ", " + ROW + "]}", 2);
        accepted("[" + ROW + ", " + ROW + "]", 2);
        refusedNaming("curtosis", "{\"instances\": [" + ROW + ", " + ROW.replace("}", ", \"curtosis\": 5}") + "]}");
        refusedNaming("x", "[" + ROW + ", " + ROW.replace("}", ", \"x\": 1, \"x\": 1}") + "]");
    }

    @Test
    void aTopLevelKeyRepeatedIsRefused() {
        refusedNaming("instances", "{\"instances\": [" + ROW + "], \"instances\": [" + ROW + "]}");
        refusedNaming("explain", ROW.replace("}", ", \"explain\": false, \"explain\": false}"));
    }

    @Test
    void aNameRepeatedWithinAValueOnlySkippedIsStillRefused() throws IOException {
        refusedNaming("a", ROW.replace("}", ", \"extra\": {\"a\": 1, \"a\": 2}}"));
        refusedNaming("a", ROW.replace("}", ", \"extra\": [[{\"b\": {\"a\": 1, \"a\": 2}}]]}"));
        refusedNaming("a", "{\"instances\": [" + ROW.replace("}", ", \"extra\": {\"a\": 1, \"a\": 2}}") + "]}");
        refusedNaming("a", "{\"instances\": [[1, 2, 3, 4, {\"a\": 1, \"a\": 2}]]}");
        refusedNaming("a", "{\"extra\": {\"a\": 1, \"a\": 2}, \"instances\": [" + ROW + "]}");
        refusedNaming(
                "a",
                "{\"columns\": [\"variance\", \"skewness\", \"curtosis\", \"entropy\"],"
                        + " \"data\": [[{\"a\": 1, \"a\": 2}, 1, 2, 3]]}");
        accepted(ROW.replace("}", ", \"extra\": {\"a\": 1, \"b\": {\"a\": 2}}}"), 1);
    }

    @Test
    void aFeaturePastTheSixtyFourthRepeatedIsRefused() throws IOException {
        List<String> names = IntStream.range(0, 70).mapToObj(i -> "f" + i).toList();
        ModelSignature wide =
                ModelSignature.floatClassifier("input", names, List.of("0", "1"), OutputKind.PROBABILITIES);
        List<String> fields =
                new ArrayList<>(names.stream().map(n -> "\"" + n + "\": 1").toList());
        String row = "{" + String.join(", ", fields) + "}";
        assertEquals(1, parse(wide, row, true).rows().size());
        for (String repeated : List.of("f3", "f63", "f64", "f69")) {
            String body = row.replace("}", ", \"" + repeated + "\": 2}");
            RowsException e = assertThrows(RowsException.class, () -> parse(wide, body, true));
            assertTrue(e.getMessage().contains("Duplicate field '" + repeated + "'"), e.getMessage());
        }
        assertEquals(
                1,
                parse(wide, "{\"instances\": [" + row + "]}", true).rows().size(),
                fields.stream().collect(Collectors.joining()).isEmpty() ? "" : "a wide row in instances");
    }
}
