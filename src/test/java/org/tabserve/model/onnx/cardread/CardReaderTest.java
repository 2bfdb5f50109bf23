package org.tabserve.model.onnx.cardread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.cardmaking.CardWriter;
import org.tabserve.model.card.CardKeys;

/**
 * {@link CardReader} gives nothing for an absent key, refuses a card newer than it reads and a value that is not
 * JSON naming the key, and reads the plain values (text, lists, maps) itself.
 */
class CardReaderTest {

    @Test
    void absentKeysGiveNothing() {
        CardReader reader = new CardReader(new CardWriter().entries());
        assertTrue(reader.evaluation().isEmpty());
        assertTrue(reader.regressionEvaluation().isEmpty());
        assertTrue(reader.categories().isEmpty());
    }

    @Test
    void aNewerCardVersionIsRefusedSayingWhatToDo() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new CardReader(
                        Map.of(CardKeys.CARD_VERSION, String.valueOf(CardReader.SUPPORTED_CARD_VERSION + 1))));
        assertEquals("card version 2 is newer than the newest supported, 1; upgrade tabserve", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CardReader(Map.of(CardKeys.CARD_VERSION, "one")));
    }

    @Test
    void aValueThatIsNotJsonIsRefusedNamingTheKey() {
        CardReader reader = new CardReader(Map.of(CardKeys.METRICS, "{\"rows\": 1} trailing"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, reader::evaluation);
        assertTrue(e.getMessage().startsWith("metadata '" + CardKeys.METRICS + "' is not valid JSON"), e.getMessage());
    }

    @Test
    void plainValuesAreReadAndBlankOnesAreAbsent() {
        CardReader reader = new CardReader(new CardWriter()
                .json("list", List.of("a", 2))
                .json("map", Map.of("k", "v"))
                .entries());
        assertEquals(List.of("a", "2"), reader.stringList("list").orElseThrow());
        assertEquals(Map.of("k", "v"), reader.stringMap("map").orElseThrow());
        assertTrue(new CardReader(Map.of("blank", "  ")).text("blank").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.stringList("list", 1));
        assertTrue(e.getMessage().startsWith("metadata 'list' is invalid"), e.getMessage());
    }
}
