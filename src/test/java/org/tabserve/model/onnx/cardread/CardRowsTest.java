package org.tabserve.model.onnx.cardread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.SkippedRows;
import org.tabserve.model.signature.Background;

/**
 * The rows a card carries come back from {@link CardRows} with their types (the background's cells as numbers,
 * text, booleans and nulls; the skipped rows with their reasons), and inconsistent ones are refused naming the key.
 */
class CardRowsTest {

    private static final String BACKGROUND = """
            {"seed": 7, "sampled_from": 100, "size": 2, "columns": ["bill", "island"],
             "rows": [[39.1, "Dream"], [40, null]]}""";

    private static final String SKIPPED = """
            [{"file": "penguins.csv", "rows": 344, "skipped": 2,
              "reasons": [{"row": 4, "field": "bill", "message": "empty"}]}]""";

    @Test
    void theBackgroundSampleKeepsEachCellsType() {
        Background background = new CardReader(Map.of(CardKeys.BACKGROUND, BACKGROUND))
                .background()
                .orElseThrow();
        assertEquals(List.of("bill", "island"), background.columns());
        assertEquals(List.of(List.of(39.1, "Dream"), Arrays.asList(40L, null)), background.rows());
    }

    @Test
    void theSkippedRowsComeBackWithTheirReasons() {
        SkippedRows skipped = new CardReader(Map.of(CardKeys.SKIPPED_ROWS, SKIPPED))
                .skippedRows()
                .orElseThrow()
                .get(0);
        assertEquals(
                new SkippedRows("penguins.csv", 344, 2, List.of(new SkippedRows.Reason(4, "bill", "empty"))), skipped);
    }

    @Test
    void inconsistentRowsAreRefusedNamingTheKeyAndWhy() {
        assertRefused(
                CardKeys.BACKGROUND, BACKGROUND.replace("\"size\": 2", "\"size\": 3"), "'size' is 3 but 'rows' has 2");
        assertRefused(
                CardKeys.BACKGROUND,
                BACKGROUND.replace("[40, null]", "[40]"),
                "row 1 of 'rows' must be an array of 2 values, one per column");
        assertRefused(
                CardKeys.SKIPPED_ROWS,
                SKIPPED.replace("\"skipped\": 2", "\"skipped\": 345"),
                "'skipped' is more than 'rows'");
    }

    private static void assertRefused(String key, String value, String why) {
        CardReader reader = new CardReader(Map.of(key, value));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            reader.background();
            reader.skippedRows();
        });
        assertEquals("metadata '" + key + "' is invalid: " + why, e.getMessage());
    }
}
