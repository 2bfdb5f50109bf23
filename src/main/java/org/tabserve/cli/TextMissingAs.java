package org.tabserve.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.cardmaking.CardWriter;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.field.FieldProblem;

/**
 * The {@code card --text-missing-as VALUE} option: an empty cell of every text input whose categories hold VALUE (the
 * exporter's imputer value, such as {@code missing}) is taken as VALUE, stored per input in the card so that the
 * server, the pages and the card's own scoring all read the same declaration.
 */
final class TextMissingAs {

    static final String OPTION = "text-missing-as";

    private TextMissingAs() {}

    /** The inputs VALUE applies to, each to VALUE; refused when no text input knows VALUE. */
    static Map<String, String> inputs(String command, Model model, String value) {
        Map<String, String> taken = new LinkedHashMap<>();
        List<String> text = new ArrayList<>();
        for (Feature feature : model.signature().features()) {
            if (feature.type() == ValueType.STRING) {
                text.add("'" + feature.name() + "' " + feature.categories());
                if (feature.categories().contains(value)) {
                    taken.put(feature.name(), value);
                }
            }
        }
        if (taken.isEmpty()) {
            throw CommandException.refused(command + ": --" + OPTION + " \"" + value + "\" is not a category of any"
                    + " text input of the model, so an empty cell cannot be taken as it; "
                    + (text.isEmpty()
                            ? "the model has no text input"
                            : "the text inputs know " + String.join(", ", text)));
        }
        return taken;
    }

    /**
     * For a file refused for bad values, the way on when among them is an empty cell of a text input: this option with
     * the word the model knows for a missing value (an imputer's fill value), or, for a model that knows none, what the
     * option is for and that this model's categories hold no such word; empty when no empty text cell was refused.
     */
    static String wayOn(Model model, List<FieldProblem> errors) {
        List<Feature> refused = new ArrayList<>();
        for (Feature feature : model.signature().features()) {
            if (feature.type() == ValueType.STRING
                    && errors.stream()
                            .anyMatch(e -> feature.name().equals(e.field())
                                    && CellChecker.missing(feature).equals(e.message()))) {
                refused.add(feature);
            }
        }
        if (refused.isEmpty()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        for (Feature feature : refused) {
            String word = CellChecker.missingWord(feature);
            if (word != null) {
                List<String> takers = refused.stream()
                        .filter(f -> word.equals(CellChecker.missingWord(f)))
                        .map(f -> "'" + f.name() + "'")
                        .toList();
                return "pass --" + OPTION + " " + (word.isEmpty() ? "\"\"" : word) + " to take an empty cell of "
                        + String.join(", ", takers) + " as \"" + word + "\", which the model knows (an imputer's fill"
                        + " value, what a missing value became where it was trained), or ";
            }
            names.add("'" + feature.name() + "' " + feature.categories());
        }
        return "--" + OPTION + " VALUE takes an empty text cell as VALUE for a model whose categories hold an"
                + " imputer's fill value (such as missing), which this one's do not (" + String.join(", ", names)
                + "); ";
    }

    /** The model with the option in its card, loaded as the server would; the model as given without the option. */
    static Model applied(
            String command, Model given, Path modelFile, Options options, Path target, java.io.PrintStream out)
            throws IOException {
        String value = options.get(OPTION).orElse(null);
        if (value == null) {
            return given;
        }
        Map<String, String> taken;
        try {
            taken = inputs(command, given, value);
        } catch (RuntimeException e) {
            given.close();
            throw e;
        }
        out.println(command + ": an empty cell of " + String.join(", ", taken.keySet()) + " is taken as \"" + value
                + "\" (--" + OPTION + "), with a warning in each answer; the card stores it");
        Map<String, String> metadata = new CardWriter(given.card().metadata())
                .json(CardKeys.TEXT_MISSING_AS, taken)
                .entries();
        return NameOptions.withMetadata(command, given, modelFile, metadata, target);
    }
}
