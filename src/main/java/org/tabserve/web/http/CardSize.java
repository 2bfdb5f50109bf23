package org.tabserve.web.http;

import org.tabserve.model.card.ModelCard;
import org.tabserve.serving.budget.MemoryBudget;

/**
 * How much text a model's card holds (every metadata key and value, in characters): the measure by which answers
 * built from a card (its OpenAPI document, its pages) size their share of the {@link MemoryBudget} before building,
 * since a card's size is the model author's choice, not the client's.
 */
public final class CardSize {

    private CardSize() {}

    /** @return the characters of every metadata entry of {@code card}, keys and values */
    public static long chars(ModelCard card) {
        long chars = 0;
        for (var entry : card.metadata().entrySet()) {
            chars += entry.getKey().length() + (long) entry.getValue().length();
        }
        return chars;
    }

    /** @return what an answer drawn from {@code card} may hold: {@code base} plus {@code perChar} per character */
    public static long bytes(ModelCard card, long base, long perChar) {
        return base + perChar * chars(card);
    }
}
