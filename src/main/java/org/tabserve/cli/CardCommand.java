package org.tabserve.cli;

import org.tabserve.card.CardFile;
import org.tabserve.card.CardWriter;
import org.tabserve.card.ClassificationMetrics;
import org.tabserve.card.ExampleRows;
import org.tabserve.card.Histograms;
import org.tabserve.card.RegressionMetrics;
import org.tabserve.card.Summary;
import org.tabserve.model.Batch;
import org.tabserve.model.CardKeys;
import org.tabserve.model.ModelException;
import org.tabserve.model.OnnxModel;
import org.tabserve.model.Prediction;
import org.tabserve.model.Task;
import org.tabserve.model.onnx.OnnxFormatException;
import org.tabserve.web.CsvFiles;
import org.tabserve.web.HttpProblem;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code card}: gives any ONNX model the full card from a labelled CSV. It reads the model's signature, streams the CSV
 * (with the server's CSV reader) once for the statistics and once more for the histograms, examples and, scored with
 * the server's model core on every core, the metrics; then writes a new ONNX file whose graph is the input's, byte for
 * byte, with the card in its metadata. Memory stays bounded whatever the file's size. Anything wrong ends it with one
 * line and a non-zero status before the output exists.
 */
final class CardCommand {

    static final String NAME = "card";
    static final String USAGE = "usage: java -jar tabserve.war card --model MODEL.onnx --data LABELLED.csv --label COLUMN"
            + " --out OUT.onnx [--eval HELD_OUT.csv] [--force] [--name NAME] [--description TEXT] [--version V]"
            + " [--class-names 0=died,1=survived] [--source TEXT] [--licence TEXT]";
    private static final Set<String> VALUED = Set.of("model", "data", "label", "out", "eval", "name", "description",
            "version", "class-names", "source", "licence");
    private static final Set<String> SWITCHES = Set.of("force", "help");
    /** Distinct categories counted per text feature; past it, new values are counted together. */
    static final int MAX_CATEGORIES = 50;
    static final String OTHER_CATEGORIES = "(other)";
    /** Example rows of a regressor, spread across the target's range. */
    static final int REGRESSION_EXAMPLES = 5;

    private final PrintStream out;
    private final PrintStream err;

    CardCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) throws IOException {
        Options options = Options.parse(NAME, args, VALUED, SWITCHES);
        if (options.flag("help")) {
            out.println(USAGE);
            return 0;
        }
        Path modelFile = options.requiredPath(NAME, "model");
        Path data = options.requiredPath(NAME, "data");
        String label = options.required(NAME, "label");
        Path target = options.requiredPath(NAME, "out");
        Path eval = options.get("eval").map(Path::of).orElse(null);
        checkFiles(modelFile, data, eval, target, options.flag("force"));
        try (OnnxModel model = load(NAME, modelFile)) {
            boolean classifier = model.signature().task() == Task.CLASSIFICATION;
            Map<String, String> classNames = classNames(options.get("class-names").orElse(null), model);
            if (model.signature().featureNames().contains(label)) {
                throw CommandException.refused(NAME + ": --label '" + label + "' is an input of the model; the label"
                        + " is the column the model predicts");
            }
            FirstPass first = new FirstPass(model, label);
            String sha256 = pass(data, model, label, "reading " + data.getFileName(), first::accept);
            SecondPass second = new SecondPass(model, label, first);
            SecondPass scored;
            String method;
            if (eval == null) {
                scoredPass(data, model, label, "scoring " + data.getFileName(), second);
                scored = second;
                method = "measured on the data given (" + data.getFileName() + ", " + first.rows + " rows), which may"
                        + " be the training data: not an estimate of how the model does on new data";
            } else {
                pass(data, model, label, "reading " + data.getFileName() + " again", second::accept);
                scored = new SecondPass(model, label, null);
                scoredPass(eval, model, label, "scoring " + eval.getFileName(), scored);
                method = "measured on " + eval.getFileName() + " (" + scored.rows + " rows), a file separate from "
                        + data.getFileName() + ", which the statistics and examples come from";
            }
            Map<String, Object> metrics = scored.metrics(method);
            Map<String, String> card = card(options, model, classifier, classNames, label, data, sha256, first,
                    second, metrics, eval);
            write(modelFile, card, target, options.flag("force"));
            out.println(NAME + ": wrote " + target + " with the card of " + first.rows + " rows of "
                    + data.getFileName() + summary(metrics));
            return 0;
        } catch (HttpProblem problem) {
            throw CommandException.refused(NAME + ": " + CsvFiles.oneLine(problem));
        }
    }

    /** Writes the new file, then loads it as the server would; a card the server would refuse is not left behind. */
    private static void write(Path model, Map<String, String> card, Path target, boolean force) throws IOException {
        try {
            CardFile.write(model, card, target, force);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw CommandException.refused(NAME + ": " + target + " exists; pass --force to replace it");
        } catch (OnnxFormatException e) {
            throw CommandException.refused(NAME + ": cannot use the model: " + e.getMessage());
        }
        try (OnnxModel written = OnnxModel.load(target)) {
            written.card(); // loaded: the card was read and checked against the graph
        } catch (ModelException e) {
            Files.deleteIfExists(target);
            throw CommandException.refused(NAME + ": the card written is not one the server reads, so it was removed"
                    + " (a bug; please report it): " + e.getMessage());
        }
    }

    /** The headline figures of the metrics, for the line that says what was written. */
    private static String summary(Map<String, Object> metrics) {
        if (metrics.containsKey("accuracy")) {
            String text = String.format(Locale.ROOT, "; accuracy %.4f", (Double) metrics.get("accuracy"));
            if (metrics.get("roc") instanceof Map<?, ?> roc && roc.get("auc") instanceof Double auc) {
                text += String.format(Locale.ROOT, ", ROC AUC %.4f", auc);
            }
            return text;
        }
        return String.format(Locale.ROOT, "; MAE %.4g, RMSE %.4g, R² %.4f", (Double) metrics.get("mae"),
                (Double) metrics.get("rmse"), (Double) metrics.get("r2"));
    }

    /** Refuses what can be refused before a byte of data is read. */
    private static void checkFiles(Path model, Path data, Path eval, Path target, boolean force) throws IOException {
        for (Path input : eval == null ? List.of(model, data) : List.of(model, data, eval)) {
            if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
                throw CommandException.refused(NAME + ": cannot read " + input + ": no such file");
            }
        }
        if (Files.exists(target) && Files.isSameFile(target, model)
                || target.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
            throw CommandException.refused(NAME + ": --out " + target + " is the input model, which is never changed;"
                    + " write the card to another file");
        }
        if (Files.exists(target) && !force) {
            throw CommandException.refused(NAME + ": " + target + " exists; pass --force to replace it");
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw CommandException.refused(NAME + ": cannot write " + target + ": no directory " + parent);
        }
    }

    static OnnxModel load(String command, Path file) {
        try {
            return OnnxModel.load(file);
        } catch (ModelException e) {
            throw CommandException.refused(command + ": cannot use the model: " + e.getMessage());
        }
    }

    private static Map<String, String> classNames(String option, OnnxModel model) {
        Map<String, String> names = new LinkedHashMap<>();
        if (option == null) {
            return names;
        }
        List<String> classes = model.signature().classLabels();
        if (model.signature().task() != Task.CLASSIFICATION) {
            throw CommandException.usage(NAME + ": --class-names is for classifiers; this model is a regressor");
        }
        for (String pair : option.split(",")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw CommandException.usage(NAME + ": --class-names takes label=name pairs separated by commas,"
                        + " e.g. 0=died,1=survived; got '" + pair + "'");
            }
            String label = pair.substring(0, equals).strip();
            if (!classes.contains(label)) {
                throw CommandException.usage(NAME + ": --class-names names '" + label + "', which is not a class of"
                        + " the model; its classes are " + classes);
            }
            names.put(label, pair.substring(equals + 1).strip());
        }
        return names;
    }

    /** Receives a chunk of checked rows with their labels. */
    private interface ChunkSink {
        void accept(Batch batch, List<String> labels) throws IOException;
    }

    /** One reading pass over {@code file}, with progress; @return the file's SHA-256 */
    private String pass(Path file, OnnxModel model, String label, String what, ChunkSink sink) throws IOException {
        MessageDigest digest = sha256();
        Progress progress = new Progress(err, NAME + ": " + what, Files.size(file));
        try (CountingInput counting = new CountingInput(Files.newInputStream(file));
             InputStream in = new DigestInputStream(new BufferedInputStream(counting, 1 << 16), digest)) {
            // The reader closes what it read; the rest of the file still goes through the digest after it.
            CsvFiles.read(model, new java.io.FilterInputStream(in) {
                @Override
                public void close() {
                }
            }, label, (batch, labels) -> {
                sink.accept(batch, labels);
                progress.rows(batch.size(), counting.count());
            });
            in.transferTo(java.io.OutputStream.nullOutputStream()); // the digest covers the whole file
            progress.done(counting.count());
        } catch (HttpProblem problem) {
            throw CommandException.refused(NAME + ": " + file.getFileName() + ": " + CsvFiles.oneLine(problem));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void scoredPass(Path file, OnnxModel model, String label, String what, SecondPass sink)
            throws IOException {
        Progress progress = new Progress(err, NAME + ": " + what, Files.size(file));
        try (CountingInput counting = new CountingInput(Files.newInputStream(file));
             InputStream in = new BufferedInputStream(counting, 1 << 16)) {
            CsvFiles.score(model, in, label, (batch, labels, predictions) -> {
                sink.accept(batch, labels);
                sink.score(labels, predictions);
                progress.rows(batch.size(), counting.count());
            });
            progress.done(counting.count());
        } catch (HttpProblem problem) {
            throw CommandException.refused(NAME + ": " + file.getFileName() + ": " + CsvFiles.oneLine(problem));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The label of a row checked as the model's task needs: a known class, or a number. */
    static String checkLabel(OnnxModel model, String labelColumn, String text, long row) {
        if (text.isEmpty()) {
            throw CommandException.refused(NAME + ": row " + row + ": the label column '" + labelColumn
                    + "' is empty; every row needs its label");
        }
        if (model.signature().task() == Task.CLASSIFICATION) {
            if (!model.signature().classLabels().contains(text)) {
                throw CommandException.refused(NAME + ": row " + row + ": label '" + text + "' in column '"
                        + labelColumn + "' is not a class of the model; its classes are "
                        + model.signature().classLabels());
            }
        } else {
            target(labelColumn, text, row);
        }
        return text;
    }

    static double target(String labelColumn, String text, long row) {
        try {
            double value = Double.parseDouble(text);
            if (Double.isFinite(value) && !text.endsWith("d") && !text.endsWith("D") && !text.endsWith("f")
                    && !text.endsWith("F")) {
                return value;
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw CommandException.refused(NAME + ": row " + row + ": label '" + text + "' in column '" + labelColumn
                + "' is not a number; a regressor's label must be one");
    }

    /** Pass one: each number feature's range and mean, each text feature's categories, the rows per class. */
    private static final class FirstPass {
        final OnnxModel model;
        final String labelColumn;
        final boolean classifier;
        final Cells cells;
        final Map<String, Summary> summaries = new LinkedHashMap<>();
        final Map<String, Map<String, Map<String, Long>>> categories = new LinkedHashMap<>();
        final Map<String, Long> classRows = new LinkedHashMap<>();
        final Summary target = new Summary();
        long rows;

        FirstPass(OnnxModel model, String labelColumn) {
            this.model = model;
            this.labelColumn = labelColumn;
            this.classifier = model.signature().task() == Task.CLASSIFICATION;
            this.cells = new Cells(model.signature());
            model.signature().classLabels().forEach(c -> classRows.put(c, 0L));
            for (int f = 0; f < cells.features().size(); f++) {
                if (cells.categorical(f)) {
                    categories.put(cells.features().get(f).name(), new LinkedHashMap<>());
                } else {
                    summaries.put(cells.features().get(f).name(), new Summary());
                }
            }
        }

        String group(String label) {
            return classifier ? label : labelColumn;
        }

        void accept(Batch batch, List<String> labels) {
            for (int r = 0; r < batch.size(); r++) {
                rows++;
                String label = checkLabel(model, labelColumn, labels.get(r), rows);
                if (classifier) {
                    classRows.merge(label, 1L, Long::sum);
                } else {
                    target.add(target(labelColumn, label, rows));
                }
                for (int f = 0; f < cells.features().size(); f++) {
                    String name = cells.features().get(f).name();
                    if (cells.categorical(f)) {
                        String text = cells.text(batch, r, f);
                        if (text != null) {
                            Map<String, Long> counts = categories.get(name)
                                    .computeIfAbsent(group(label), g -> new LinkedHashMap<>());
                            String category = counts.containsKey(text) || distinct(name) < MAX_CATEGORIES ? text
                                    : OTHER_CATEGORIES;
                            counts.merge(category, 1L, Long::sum);
                        }
                    } else {
                        summaries.get(name).add(cells.number(batch, r, f));
                    }
                }
            }
        }

        private long distinct(String feature) {
            return categories.get(feature).values().stream().flatMap(m -> m.keySet().stream()).distinct().count();
        }
    }

    /** Pass two: histograms over pass one's ranges, the example rows, and, when it scores, the metrics. */
    private static final class SecondPass implements ChunkSink {
        final FirstPass first;
        final OnnxModel model;
        final String labelColumn;
        final Cells cells;
        final Map<String, List<Double>> edges = new LinkedHashMap<>();
        final Map<String, Map<String, long[]>> histograms = new LinkedHashMap<>();
        final Map<String, long[]> examplePositions = new LinkedHashMap<>();
        final Map<String, Long> seen = new LinkedHashMap<>();
        final Map<String, List<Map<String, Object>>> examples = new LinkedHashMap<>();
        final double[] targets = new double[REGRESSION_EXAMPLES];
        final double[] bestDistance = new double[REGRESSION_EXAMPLES];
        final Map<String, Object>[] regressionExamples;
        final ClassificationMetrics classification;
        final RegressionMetrics regression;
        long rows;

        @SuppressWarnings("unchecked")
        SecondPass(OnnxModel model, String labelColumn, FirstPass first) {
            this.first = first;
            this.model = model;
            this.labelColumn = labelColumn;
            this.cells = new Cells(model.signature());
            boolean classifier = model.signature().task() == Task.CLASSIFICATION;
            this.classification = classifier ? new ClassificationMetrics(model.signature().classLabels()) : null;
            this.regression = classifier ? null : new RegressionMetrics();
            this.regressionExamples = new Map[REGRESSION_EXAMPLES];
            if (first == null) {
                return; // scores only
            }
            first.summaries.forEach((feature, summary) -> {
                List<Double> featureEdges = Histograms.edges(summary.min(), summary.max(), Histograms.BINS);
                if (!featureEdges.isEmpty()) {
                    edges.put(feature, featureEdges);
                    histograms.put(feature, new LinkedHashMap<>());
                }
            });
            if (classifier) {
                first.classRows.forEach((label, count) -> {
                    examplePositions.put(label, ExampleRows.positions(count));
                    examples.put(label, new ArrayList<>());
                });
            } else if (first.target.count() > 0) {
                for (int k = 0; k < REGRESSION_EXAMPLES; k++) {
                    targets[k] = first.target.min()
                            + k * (first.target.max() - first.target.min()) / (REGRESSION_EXAMPLES - 1);
                    bestDistance[k] = Double.POSITIVE_INFINITY;
                }
            }
        }

        @Override
        public void accept(Batch batch, List<String> labels) {
            if (first == null) {
                return;
            }
            for (int r = 0; r < batch.size(); r++) {
                rows++;
                String label = labels.get(r);
                String group = first.group(label);
                for (int f = 0; f < cells.features().size(); f++) {
                    String name = cells.features().get(f).name();
                    List<Double> featureEdges = edges.get(name);
                    double value = featureEdges == null ? Double.NaN : cells.number(batch, r, f);
                    if (!Double.isNaN(value)) {
                        histograms.get(name).computeIfAbsent(group, g -> new long[Histograms.BINS])
                                [Histograms.bin(value, featureEdges)]++;
                    }
                }
                if (classification != null) {
                    long position = seen.merge(label, 1L, Long::sum) - 1;
                    for (long wanted : examplePositions.get(label)) {
                        if (wanted == position) {
                            examples.get(label).add(row(batch, r));
                        }
                    }
                } else {
                    double y = Double.parseDouble(label);
                    for (int k = 0; k < REGRESSION_EXAMPLES; k++) {
                        double distance = Math.abs(y - targets[k]);
                        if (distance < bestDistance[k]) {
                            bestDistance[k] = distance;
                            regressionExamples[k] = row(batch, r);
                        }
                    }
                }
            }
        }

        private Map<String, Object> row(Batch batch, int r) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int f = 0; f < cells.features().size(); f++) {
                row.put(cells.features().get(f).name(), cells.value(batch, r, f));
            }
            return row;
        }

        void score(List<String> labels, List<Prediction> predictions) {
            for (int r = 0; r < predictions.size(); r++) {
                long row = (first == null ? ++rows : rows - predictions.size() + r + 1);
                String label = checkLabel(model, labelColumn, labels.get(r), row);
                if (predictions.get(r) instanceof Prediction.Classification c) {
                    classification.add(label, c.label(), c.probabilities());
                } else {
                    regression.add(Double.parseDouble(label), ((Prediction.Regression) predictions.get(r)).value());
                }
            }
        }

        Map<String, Object> metrics(String method) {
            return classification != null ? classification.toJson(method) : regression.toJson(method);
        }

        Map<String, Object> histogramsJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            histograms.forEach((feature, counts) -> {
                Map<String, long[]> ordered = new LinkedHashMap<>();
                if (classification != null) {
                    model.signature().classLabels().forEach(c -> ordered.put(c,
                            counts.getOrDefault(c, new long[Histograms.BINS])));
                } else {
                    ordered.putAll(counts);
                }
                json.put(feature, Histograms.toJson(edges.get(feature), ordered));
            });
            return json;
        }

        Map<String, Object> examplesJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            if (classification != null) {
                examples.forEach((label, rows) -> {
                    if (!rows.isEmpty()) {
                        json.put(label, rows);
                    }
                });
            } else {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Map<String, Object> row : regressionExamples) {
                    if (row != null && !rows.contains(row)) {
                        rows.add(row);
                    }
                }
                if (!rows.isEmpty()) {
                    json.put(labelColumn, rows);
                }
            }
            return json;
        }
    }

    private Map<String, String> card(Options options, OnnxModel model, boolean classifier,
                                     Map<String, String> classNames, String label, Path data, String sha256,
                                     FirstPass first, SecondPass second, Map<String, Object> metrics, Path eval) {
        CardWriter card = new CardWriter(model.card().metadata());
        // What the earlier card measured no longer holds: every value this command computes is replaced.
        for (String key : List.of(CardKeys.FEATURE_STATS, CardKeys.HISTOGRAMS, CardKeys.CATEGORIES,
                CardKeys.EXAMPLES, CardKeys.METRICS, CardKeys.DATA, CardKeys.TRAINER)) {
            card.remove(key);
        }
        card.text(CardKeys.NAME, options.get("name").orElse(model.card().name()));
        options.get("version").ifPresent(v -> card.text(CardKeys.VERSION, v));
        options.get("description").ifPresent(d -> card.text(CardKeys.DESCRIPTION, d));
        if (!classifier) {
            card.text(CardKeys.TASK, Task.REGRESSION.jsonName());
        }
        if (!classNames.isEmpty()) {
            Map<String, String> names = new LinkedHashMap<>();
            model.signature().classLabels().forEach(c -> names.put(c, classNames.getOrDefault(c,
                    model.card().displayName(c))));
            card.json(CardKeys.CLASS_DISPLAY_NAMES, names);
            card.text(CardKeys.CLASS_DISPLAY_NOTE, "given with --class-names when the card was made");
        }
        Map<String, Summary> stats = new LinkedHashMap<>(first.summaries);
        if (!classifier) {
            stats.put(label, first.target); // the form shows the target's range beside the predicted value
        }
        card.json(CardKeys.FEATURE_STATS, CardWriter.featureStats(stats));
        Map<String, Object> histograms = second.histogramsJson();
        if (!histograms.isEmpty()) {
            card.json(CardKeys.HISTOGRAMS, histograms);
        }
        Map<String, Object> categories = new LinkedHashMap<>();
        first.categories.forEach((feature, counts) -> {
            if (!counts.isEmpty()) {
                categories.put(feature, Map.of("counts", counts));
            }
        });
        if (!categories.isEmpty()) {
            card.json(CardKeys.CATEGORIES, categories);
        }
        Map<String, Object> examples = second.examplesJson();
        if (!examples.isEmpty()) {
            card.json(CardKeys.EXAMPLES, examples);
        }
        card.json(CardKeys.METRICS, metrics);
        Map<String, Object> block = new LinkedHashMap<>();
        block.put(CardWriter.DATA_FILE, data.getFileName().toString());
        block.put(CardWriter.DATA_SHA256, sha256);
        block.put(CardWriter.DATA_ROWS, first.rows);
        block.put(CardWriter.DATA_COLUMNS, model.signature().featureNames());
        block.put(CardWriter.DATA_LABEL_COLUMN, label);
        if (eval != null) {
            block.put(CardWriter.DATA_METRICS_FILE, eval.getFileName().toString());
        }
        options.get("source").ifPresent(s -> block.put(CardWriter.DATA_SOURCE, s));
        options.get("licence").ifPresent(l -> block.put(CardWriter.DATA_LICENCE, l));
        card.json(CardKeys.DATA, block);
        return card.entries();
    }
}
