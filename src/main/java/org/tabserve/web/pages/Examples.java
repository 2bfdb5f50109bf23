package org.tabserve.web.pages;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.card.ModelCard;

/**
 * The card's example rows under stable ids ({@code genuine-1}, {@code forged-2}: the class's display name and a
 * number), so that a plain link {@code /?example=genuine-1} fills the form without JavaScript.
 */
final class Examples {

    /** One example row: its id, link text, class label and values by feature name. */
    record Row(String id, String text, String label, Map<String, String> values) {}

    private final Map<String, Row> byId = new LinkedHashMap<>();

    Examples(ModelCard card) {
        card.examples().forEach((label, rows) -> {
            String display = card.displayName(label);
            String slug = display.toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9]+", "-")
                    .replaceAll("(^-|-$)", "");
            for (int i = 0; i < rows.size(); i++) {
                String id = (slug.isEmpty() ? "class-" + label : slug) + "-" + (i + 1);
                Map<String, String> values = new LinkedHashMap<>();
                rows.get(i).forEach((feature, value) -> values.put(feature, text(value)));
                byId.putIfAbsent(id, new Row(id, display + " " + (i + 1), label, values));
            }
        });
    }

    /** @return every example, in the card's order */
    List<Row> all() {
        return new ArrayList<>(byId.values());
    }

    /** @return the example with that id, if the card has it */
    Optional<Row> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** A value as the form shows it: a number as {@link #text(double)}, text as it is, missing as empty. */
    static String text(Object value) {
        return value instanceof Number number ? text(number.doubleValue()) : value == null ? "" : value.toString();
    }

    /** A number as the data wrote it: no exponent, no trailing zeros. */
    static String text(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
