package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds a real answer to what the docs show of it under a command ({@code # {"value":3991.83...,"warnings":[]}}), so
 * that an example whose answer changed fails instead of going on quoting the old one. What the docs show is a sketch,
 * not JSON: {@code ...} stands for what is left out. Every key shown must be in the answer; every {@code "key":"text"}
 * pair shown in full must be in it as shown, and one shown as its start ({@code "sha256":"5f0e305ad935..."}) must
 * start so; every {@code "key":number} must be the number of some {@code key} in the
 * answer, exactly or, written with a trailing {@code ...} ({@code 0.99...}), to within one unit of its last digit;
 * every {@code "key":[...]} of plain values must be some {@code key}'s array, element by element (a {@code ...}
 * element ends the comparison, which then holds for the elements shown).
 */
final class ShownAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KEY = Pattern.compile("\"([^\"\\\\]+)\"\\s*:");
    private static final Pattern TEXT_PAIR = Pattern.compile("\"([^\"\\\\]+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String NUMBER = "-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?(?:\\.\\.\\.)?";
    private static final Pattern NUMBER_PAIR = Pattern.compile("\"([^\"\\\\]+)\"\\s*:\\s*(" + NUMBER + ")");
    private static final Pattern ARRAY_PAIR = Pattern.compile("\"([^\"\\\\]+)\"\\s*:\\s*\\[([^\\[\\]{}]*)]");
    private static final Pattern ELEMENT =
            Pattern.compile("\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|" + NUMBER + "|\\.\\.\\.|null|true" + "|false)\\s*(?:,|$)");

    private static final Pattern STATUS = Pattern.compile("^\\{\"type\"[^{}\\[]*\"status\"\\s*:\\s*(\\d{3})\\b");

    private ShownAnswer() {}

    /**
     * The status of a problem (RFC 9457) shown as the answer, {@code {"type":...,"status":400,...}}: an example of a
     * refusal expects that status. Empty for anything else, which expects a 2xx.
     */
    static java.util.OptionalInt status(String shown) {
        Matcher status = shown == null ? null : STATUS.matcher(shown);
        return status != null && status.find()
                ? java.util.OptionalInt.of(Integer.parseInt(status.group(1)))
                : java.util.OptionalInt.empty();
    }

    /**
     * @param shown  what the docs show, {@code {...}} or {@code [...]}
     * @param answer the real answer, JSON
     * @param said   the command and its answer, for the failure's message
     */
    static void assertShown(String shown, String answer, String said) throws IOException {
        JsonNode real = JSON.readTree(answer);
        Matcher key = KEY.matcher(shown);
        int found = 0;
        while (key.find()) {
            found++;
            assertFalse(
                    valuesOf(real, key.group(1)).isEmpty(),
                    said + "\nshows the key '" + key.group(1) + "', which the answer lacks");
        }
        Matcher pair = TEXT_PAIR.matcher(shown);
        while (pair.find()) {
            String text = pair.group(2);
            String shownPair = "\"" + pair.group(1) + "\":\"" + text + "\"";
            if (!text.contains("...")) {
                assertTrue(
                        answer.contains(shownPair), said + "\nshows " + shownPair + ", which the answer does not have");
            } else if (text.indexOf("...") == text.length() - 3 && !text.contains("\\")) {
                String start = text.substring(0, text.length() - 3);
                assertTrue(
                        valuesOf(real, pair.group(1)).stream()
                                .anyMatch(v -> v.isTextual() && v.asText().startsWith(start)),
                        said + "\nshows " + shownPair + ", which no text in the answer starts as");
            }
        }
        Matcher number = NUMBER_PAIR.matcher(shown);
        while (number.find()) {
            String shownNumber = number.group(2);
            assertTrue(
                    valuesOf(real, number.group(1)).stream().anyMatch(value -> matches(shownNumber, value)),
                    said + "\nshows \"" + number.group(1) + "\":" + shownNumber + ", which the answer does not have");
        }
        Matcher array = ARRAY_PAIR.matcher(shown);
        while (array.find()) {
            List<String> elements = elements(array.group(2));
            if (elements == null) {
                continue; // not a list of plain values: its keys are checked above
            }
            assertTrue(
                    valuesOf(real, array.group(1)).stream().anyMatch(value -> matches(elements, value)),
                    said + "\nshows \"" + array.group(1) + "\":[" + array.group(2)
                            + "], which the answer does not have");
        }
        assertFalse(found == 0 && !shown.startsWith("["), said + "\nshows no key to check: " + shown);
    }

    /** The plain values of a shown array, or null when it holds anything else. */
    private static List<String> elements(String inside) {
        List<String> elements = new ArrayList<>();
        if (inside.isBlank()) {
            return elements;
        }
        Matcher element = ELEMENT.matcher(inside);
        int at = 0;
        while (at < inside.length()) {
            if (!element.find(at) || element.start() != at) {
                return null;
            }
            elements.add(element.group(1));
            at = element.end();
        }
        return elements;
    }

    private static boolean matches(List<String> shown, JsonNode value) {
        if (!value.isArray()) {
            return false;
        }
        for (int i = 0; i < shown.size(); i++) {
            String element = shown.get(i);
            if (element.equals("...")) {
                return true;
            }
            if (i >= value.size() || !matchesElement(element, value.get(i))) {
                return false;
            }
        }
        return shown.size() == value.size();
    }

    private static boolean matchesElement(String shown, JsonNode value) {
        if (shown.startsWith("\"")) {
            return value.isTextual() && value.toString().equals(shown);
        }
        if (shown.equals("null") || shown.equals("true") || shown.equals("false")) {
            return value.toString().equals(shown);
        }
        return matches(shown, value);
    }

    /** A shown number: exactly the value, or, ending in {@code ...}, within one unit of its last digit. */
    static boolean matches(String shown, JsonNode value) {
        if (!value.isNumber()) {
            return false;
        }
        BigDecimal real = value.decimalValue();
        if (!shown.endsWith("...")) {
            return new BigDecimal(shown).compareTo(real) == 0;
        }
        BigDecimal prefix = new BigDecimal(shown.substring(0, shown.length() - 3));
        BigDecimal unit = BigDecimal.ONE.movePointLeft(Math.max(prefix.scale(), 0));
        return prefix.subtract(real).abs().compareTo(unit) < 0;
    }

    /** Every value of {@code key} anywhere in the answer. */
    private static List<JsonNode> valuesOf(JsonNode node, String key) {
        List<JsonNode> values = new ArrayList<>();
        collect(node, key, values);
        return values;
    }

    private static void collect(JsonNode node, String key, List<JsonNode> into) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals(key)) {
                    into.add(field.getValue());
                }
                collect(field.getValue(), key, into);
            }
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, key, into));
        }
    }
}
