package org.tabserve.model.onnx.cardread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.cardmaking.CardWriter;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.CategoryCounts;

/**
 * The category counts the card writer puts in a card come back from {@link CardDistributions} per class in the
 * card's order, and malformed ones are refused naming the key (the bounds are {@link CardLimitsTest}'s).
 */
class CardDistributionsTest {

    private static CardReader reader(String key, Object value) {
        return new CardReader(new CardWriter().json(key, value).entries());
    }

    @Test
    void categoryCountsComeBackPerClassInTheCardsOrder() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("Gentoo", new LinkedHashMap<>(Map.of("Biscoe", 124L)));
        Map<String, Long> adelie = new LinkedHashMap<>();
        adelie.put("Torgersen", 52L);
        adelie.put("Biscoe", 44L);
        adelie.put("Dream", 56L);
        counts.put("Adelie", adelie);
        CategoryCounts island = reader(CardKeys.CATEGORIES, Map.of("island", Map.of("counts", counts)))
                .categories()
                .orElseThrow()
                .get("island");
        assertEquals(List.of("Gentoo", "Adelie"), List.copyOf(island.counts().keySet()));
        assertEquals(
                List.of("Torgersen", "Biscoe", "Dream"),
                List.copyOf(island.counts().get("Adelie").keySet()));
        assertEquals(List.of("Biscoe", "Torgersen", "Dream"), island.categories());
        assertEquals(124L, island.maxCount());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[\"island\"]",
                "{\"island\": {\"counts\": [1, 2]}}",
                "{\"island\": {\"counts\": {\"Adelie\": [1, 2]}}}",
                "{\"island\": {\"counts\": {\"Adelie\": {\"Dream\": 1.5}}}}",
                "{\"island\": {\"counts\": {\"Adelie\": {\"Dream\": -1}}}}",
                "{\"island\": {\"counts\": {\"Adelie\": {\"Dream\": \"many\"}}}}",
                "{\"island\": {}}"
            })
    void refusesMalformedCategoryCountsNamingTheKey(String value) {
        CardReader reader = new CardReader(Map.of(CardKeys.CATEGORIES, value));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, reader::categories);
        assertTrue(e.getMessage().startsWith("metadata '" + CardKeys.CATEGORIES + "' is invalid"), e.getMessage());
    }
}
