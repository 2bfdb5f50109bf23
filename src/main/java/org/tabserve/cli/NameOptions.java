package org.tabserve.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.tabserve.cardmaking.CardFile;
import org.tabserve.cardmaking.CardWriter;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.Task;
import org.tabserve.rows.csv.CsvFiles;
import org.tabserve.rows.field.RowsException;

/**
 * The {@code card} command's {@code --feature-names} and {@code --class-names}: names for the columns of a model's one
 * unnamed tensor input (which otherwise answers to {@code f0..fN-1}) and for a classifier's numbered classes, checked
 * against the model and the CSV, so that the card stores them and every route, form and page then uses them.
 */
final class NameOptions {

    static final String FEATURE_NAMES = "feature-names";
    static final String CLASS_NAMES = "class-names";

    private NameOptions() {}

    /**
     * The names {@code --class-names} gives a classifier's classes.
     *
     * @param byLabel each named class's label to its name, in the model's class order
     * @param labelOf each name to its class's label, so that a CSV's label cells may be the names
     */
    record ClassNames(Map<String, String> byLabel, Map<String, String> labelOf) {

        static final ClassNames NONE = new ClassNames(Map.of(), Map.of());

        /** The labels with each class name replaced by its class's label; other cells as they are. */
        List<String> recode(List<String> labels) {
            if (labelOf.isEmpty() || labels == null) {
                return labels;
            }
            List<String> recoded = new ArrayList<>(labels.size());
            for (String label : labels) {
                recoded.add(labelOf.getOrDefault(label, label));
            }
            return recoded;
        }
    }

    /**
     * Reads {@code --class-names}: either the names of all classes in the model's class order
     * ({@code setosa,versicolor,virginica}), or {@code label=name} pairs for some of them ({@code 0=died,1=survived}).
     */
    static ClassNames classNames(String command, String option, Model model) {
        if (option == null) {
            return ClassNames.NONE;
        }
        if (model.signature().task() != Task.CLASSIFICATION) {
            throw CommandException.usage(command + ": --class-names is for classifiers; this model is a regressor");
        }
        List<String> classes = model.signature().classLabels();
        Map<String, String> byLabel = new LinkedHashMap<>();
        if (option.contains("=")) {
            for (String pair : option.split(",")) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw CommandException.usage(command + ": --class-names takes the class names in the model's class"
                            + " order (e.g. setosa,versicolor,virginica) or label=name pairs (e.g. 0=died,1=survived);"
                            + " got '" + pair + "'");
                }
                String label = pair.substring(0, equals).strip();
                if (!classes.contains(label)) {
                    throw CommandException.usage(command + ": --class-names names '" + label + "', which is not a"
                            + " class of the model; its classes are " + String.join(", ", classes));
                }
                if (byLabel.put(label, pair.substring(equals + 1).strip()) != null) {
                    throw CommandException.usage(command + ": --class-names names class '" + label + "' twice");
                }
            }
        } else {
            List<String> names = split(option);
            if (names.size() != classes.size()) {
                throw CommandException.usage(command + ": --class-names gives " + names.size() + " names but the model"
                        + " has " + classes.size() + " classes (" + String.join(", ", classes) + "); give one name per"
                        + " class, in that order");
            }
            for (int i = 0; i < names.size(); i++) {
                byLabel.put(classes.get(i), names.get(i));
            }
        }
        Map<String, String> labelOf = new LinkedHashMap<>();
        byLabel.forEach((label, name) -> {
            if (name.isEmpty()) {
                throw CommandException.usage(command + ": --class-names gives class '" + label + "' an empty name");
            }
            String other = labelOf.put(name, label);
            if (other != null) {
                throw CommandException.usage(command + ": --class-names gives the name '" + name + "' to two classes ("
                        + other + " and " + label + "); each class needs its own name");
            }
            if (classes.contains(name) && !name.equals(label)) {
                throw CommandException.usage(command + ": --class-names gives class '" + label + "' the name '" + name
                        + "', which is another class's label; a label '" + name + "' in the CSV would then mean two"
                        + " classes");
            }
        });
        return new ClassNames(Collections.unmodifiableMap(byLabel), Collections.unmodifiableMap(labelOf));
    }

    /**
     * The names to give the columns of the model's one tensor input: {@code --feature-names}, else, when the model's
     * columns have no names yet ({@code f0..fN-1}) and the CSV's header has exactly N columns besides the label,
     * those columns, in the header's order (said on {@code out}); null when the model keeps the names it has.
     */
    static List<String> featureNames(
            String command, Options options, Model model, Path data, String label, PrintStream out) throws IOException {
        String option = options.get(FEATURE_NAMES).orElse(null);
        List<ModelInput> inputs = model.signature().inputs();
        boolean oneTensor = inputs.size() == 1 && inputs.get(0).rank() == 2;
        if (option != null && !oneTensor) {
            throw CommandException.usage(command + ": --feature-names is for a model with one tensor input of many"
                    + " columns; this model's " + inputs.size() + " inputs are named by the graph ("
                    + String.join(", ", model.signature().featureNames()) + ")");
        }
        if (!oneTensor) {
            return null;
        }
        ModelInput input = inputs.get(0);
        int width = input.features().size();
        if (option != null) {
            List<String> names = split(option);
            if (names.size() != width) {
                throw CommandException.usage(command + ": --feature-names gives " + names.size() + " names but the"
                        + " model's input '" + input.name() + "' has " + width + " columns; give one name per column,"
                        + " in the input's column order");
            }
            requireDistinct(command, "--feature-names", names);
            out.println(command + ": the " + width + " columns of input '" + input.name() + "' are named "
                    + String.join(", ", names) + " (--feature-names)");
            return names;
        }
        List<String> defaults = IntStream.range(0, width).mapToObj(i -> "f" + i).toList();
        if (width == 1
                || model.card().metadata().containsKey(CardKeys.FEATURES)
                || !model.signature().featureNames().equals(defaults)) {
            return null; // named already: by the graph or by an earlier card
        }
        List<String> header = header(command, data);
        if (header.containsAll(defaults)) {
            return null;
        }
        List<String> others =
                header.stream().filter(column -> !column.equals(label)).toList();
        if (others.size() != width) {
            throw CommandException.usage(command + ": the model's input '" + input.name() + "' has " + width
                    + " unnamed columns (f0.." + defaults.get(width - 1) + ") and " + data.getFileName() + " has "
                    + others.size() + " columns besides '" + label + "'; pass --feature-names with " + width
                    + " names in the input's column order");
        }
        requireDistinct(command, data.getFileName() + "'s header", others);
        out.println(command + ": the model's input '" + input.name() + "' has " + width + " unnamed columns and "
                + data.getFileName() + " has " + width + " columns besides '" + label + "', so they are named after"
                + " the header, in its order: " + String.join(", ", others) + " (pass --feature-names if the input's"
                + " column order is another)");
        return others;
    }

    /**
     * The model with its input's columns named: the same graph with {@code names} in its metadata, loaded as the
     * server would load it (through a temporary file beside {@code target}, removed once loaded).
     */
    static Model named(String command, Model given, Path modelFile, List<String> names, Path target)
            throws IOException {
        // The name too: read from the temporary file's name otherwise.
        Map<String, String> metadata = new CardWriter(given.card().metadata())
                .json(CardKeys.FEATURES, names)
                .text(CardKeys.NAME, given.card().name())
                .entries();
        return withMetadata(command, given, modelFile, metadata, target);
    }

    /**
     * The graph of {@code modelFile} with {@code metadata} as its card, loaded as the server would load it (through
     * a temporary file beside {@code target}, removed once loaded); {@code given} is closed.
     */
    static Model withMetadata(String command, Model given, Path modelFile, Map<String, String> metadata, Path target)
            throws IOException {
        if (!metadata.containsKey(CardKeys.NAME)) {
            metadata = new CardWriter(metadata)
                    .text(CardKeys.NAME, given.card().name())
                    .entries();
        }
        given.close();
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            CardFile.write(modelFile, metadata, tmp, true);
            return ModelCommand.load(command, tmp);
        } catch (OnnxFormatException e) {
            throw CommandException.refused(command + ": cannot use the model: " + e.getMessage());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Says how {@code --class-names} reads the label column, when the names are used there. */
    static void sayRecoding(String command, ClassNames names, String label, PrintStream out) {
        if (!names.labelOf().isEmpty()) {
            List<String> pairs = new ArrayList<>();
            names.byLabel().forEach((cls, name) -> pairs.add(name + " = " + cls));
            out.println(command + ": class names " + String.join(", ", pairs) + "; a '" + label + "' cell may be"
                    + " either, and the card stores the names");
        }
    }

    private static List<String> header(String command, Path data) throws IOException {
        try (InputStream in = Files.newInputStream(data)) {
            return CsvFiles.header(in);
        } catch (RowsException problem) {
            throw CommandException.refused(command + ": " + data.getFileName() + ": " + problem.oneLine());
        }
    }

    private static List<String> split(String option) {
        List<String> names = new ArrayList<>();
        for (String name : option.split(",", -1)) {
            names.add(name.strip());
        }
        return names;
    }

    private static void requireDistinct(String command, String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name.isEmpty()) {
                throw CommandException.usage(command + ": " + what + " has an empty name in " + names);
            }
            if (!seen.add(name)) {
                throw CommandException.usage(
                        command + ": " + what + " names '" + name + "' twice; each column needs" + " its own name");
            }
        }
    }
}
