package org.tabserve.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.cardmaking.CardWriter;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ValueType;

/**
 * The {@code card --missing COLS} option: each float or double input named takes a missing value (an empty cell,
 * {@code null}) as NaN, stored in the card's {@code tabserve.missing} so that the server, the pages and the card's own
 * scoring read the same declaration. It is for a graph that handles NaN in a way tabserve does not read; an input the
 * graph imputes, or that only trees routing a missing value read, takes one without it.
 */
final class CardMissing {

    static final String OPTION = "missing";

    private CardMissing() {}

    /** The features named in {@code columns} (comma-separated), each a float or double feature of the model. */
    static List<String> features(String command, Model model, String columns) {
        Set<String> named = new LinkedHashSet<>();
        for (String column : columns.split(",", -1)) {
            named.add(column.strip());
        }
        List<String> numbers = new ArrayList<>();
        for (Feature feature : model.signature().features()) {
            if (feature.type() == ValueType.FLOAT || feature.type() == ValueType.DOUBLE) {
                numbers.add(feature.name());
            }
        }
        for (String name : named) {
            Feature feature = model.signature().features().stream()
                    .filter(f -> f.name().equals(name))
                    .findFirst()
                    .orElse(null);
            if (feature == null || !numbers.contains(name)) {
                String what = name.isEmpty()
                        ? "an empty name"
                        : feature == null
                                ? "'" + name + "', which is not an input of the model"
                                : "'" + name + "', a " + feature.type().name().toLowerCase(java.util.Locale.ROOT)
                                        + " input (a missing text value is taken only as a category: --"
                                        + TextMissingAs.OPTION + ")";
                throw CommandException.refused(command + ": --" + OPTION + " names " + what + "; it takes float or"
                        + " double inputs, comma-separated: " + (numbers.isEmpty() ? "the model has none" : numbers));
            }
        }
        return List.copyOf(named);
    }

    /** The model with the option in its card, loaded as the server would; the model as given without the option. */
    static Model applied(String command, Model given, Path modelFile, Options options, Path target, PrintStream out)
            throws IOException {
        String columns = options.get(OPTION).orElse(null);
        if (columns == null) {
            return given;
        }
        List<String> features;
        try {
            features = features(command, given, columns);
        } catch (RuntimeException e) {
            given.close();
            throw e;
        }
        List<String> already = new ArrayList<>();
        for (Feature feature : given.signature().features()) {
            if (features.contains(feature.name()) && feature.missing() != null) {
                already.add(feature.name() + " (" + feature.missing().word() + ")");
            }
        }
        out.println(command + ": a missing value of " + String.join(", ", features) + " is taken as NaN (--" + OPTION
                + "); the card stores it"
                + (already.isEmpty() ? "" : "; the graph takes one already for " + String.join(", ", already)));
        Map<String, String> metadata = new CardWriter(given.card().metadata())
                .json(CardKeys.MISSING, features)
                .entries();
        return NameOptions.withMetadata(command, given, modelFile, metadata, target);
    }
}
