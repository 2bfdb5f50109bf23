package org.tabserve.cardmaking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes card values as JSON the same way every time (insertion order, Java's shortest double text). */
public final class CardJsonWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CardJsonWriter() {}

    /** @return {@code value} (maps, lists, numbers, strings, arrays) as JSON text */
    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write card value " + value, e);
        }
    }
}
