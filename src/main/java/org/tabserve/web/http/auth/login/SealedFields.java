package org.tabserve.web.http.auth.login;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.tabserve.web.http.Json;

/**
 * What a sealed record ({@link SessionSeal}: a session in the fleet's store, a sign-in under way in its cookie) holds
 * once opened: a JSON object of text fields, each taken only within its bound, so that nothing opened is trusted
 * beyond its shape.
 */
final class SealedFields {

    private SealedFields() {}

    /** @return the JSON object {@code plain} holds, or null (none, or not an object) */
    static JsonNode object(byte[] plain) {
        if (plain == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(plain);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** @return the text field {@code name}, when it is text of at most {@code max} characters, else null */
    static String text(JsonNode value, String name, int max) {
        JsonNode field = value.get(name);
        return field != null && field.isTextual() && field.asText().length() <= max ? field.asText() : null;
    }
}
