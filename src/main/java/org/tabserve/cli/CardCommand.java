package org.tabserve.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tabserve.cardmaking.CardFile;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Task;
import org.tabserve.rows.csv.CsvFiles;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;

/**
 * {@code card}: gives any ONNX model the full card from a labelled CSV. It reads the model's signature, streams the CSV
 * (with the server's CSV reader) once for the statistics and once more for the histograms, examples and, scored with
 * the server's model core on every core, the metrics; then writes a new ONNX file whose graph is the input's, byte for
 * byte, with the card in its metadata. Memory stays bounded whatever the file's size. Anything wrong ends it with one
 * line and a non-zero status before the output exists; a row the model cannot read or score too, unless
 * {@code --skip-invalid}: then the card is made from the other rows and records how many were skipped and why.
 */
final class CardCommand extends ModelCommand {

    static final String NAME = "card";
    static final String USAGE =
            "usage: java -jar tabserve.war card --model MODEL.onnx --data LABELLED.csv --label COLUMN"
                    + " --out OUT.onnx [--eval HELD_OUT.csv] [--force] [--name NAME] [--description TEXT] [--version V]"
                    + " [--feature-names A,B,..] [--class-names setosa,versicolor,.. | 0=died,1=survived] [--source TEXT]"
                    + " [--licence TEXT] [--strict | --skip-invalid] [--calibration HELD_OUT.csv [--coverage 0.9]]"
                    + " [--text-missing-as VALUE] [--missing COLS]\n"
                    + "--missing COLS (comma-separated float or double inputs) takes a missing value (an empty cell, null)"
                    + " of each as NaN, in the card's own scoring and in every answer, for a graph that handles NaN in a"
                    + " way tabserve does not read; an input the graph imputes, or that only trees routing a missing"
                    + " value read (XGBoost, LightGBM, HistGradientBoosting), takes one without it (GET /api/model says"
                    + " which and why).\n"
                    + "--text-missing-as takes an empty cell of every text input whose categories hold VALUE (the exporter's"
                    + " imputer value, such as missing) as VALUE, in the card's own scoring and in every answer (with a"
                    + " warning); without it an empty text cell is refused.\n"
                    + "--strict (the default, as every route's ?on_error=reject) refuses a file with a row the model cannot"
                    + " read or score, listing why; --skip-invalid makes the card from the other rows, and the card records"
                    + " how many were skipped and why (the card page and GET /api/model show it).\n"
                    + "--name is the title the card and the pages show; it does not change where the model is served: a"
                    + " server of a model directory (--models) serves OUT.onnx at /models/OUT/, by its file's name.\n"
                    + "--calibration scores a labelled file of rows the model was not trained on and stores split-conformal"
                    + " calibration, so that requests may ask for ?coverage= (0.5 to 0.99); it refuses a file too small for"
                    + " --coverage (default 0.9), which needs n >= 1/(1 - c) - 1 rows.\n"
                    + "An XGBoost or LightGBM file (--model model.json --out OUT/model.json) is copied byte for byte, its"
                    + " card written beside the copy as OUT/model.card.json; an MLflow model directory (--model DIR --out"
                    + " NEWDIR) is copied to a new folder, its card written as NEWDIR/tabserve.card.json. --feature-names,"
                    + " --missing and --text-missing-as are for ONNX graphs only.";
    private static final Set<String> VALUED = Set.of(
            "model",
            "data",
            "label",
            "out",
            "eval",
            "name",
            "description",
            "version",
            NameOptions.FEATURE_NAMES,
            NameOptions.CLASS_NAMES,
            "source",
            "licence",
            CardCalibration.CALIBRATION,
            CardCalibration.COVERAGE,
            TextMissingAs.OPTION,
            CardMissing.OPTION);

    static final String SKIP_INVALID = "skip-invalid";
    static final String STRICT = "strict";
    /** Said when a file with bad rows is refused, so that the user learns the way on. */
    static final String HINT = "pass --" + SKIP_INVALID + " to make the card from the other rows (the card then"
            + " records how many were skipped and why)";

    CardCommand(PrintStream out, PrintStream err) {
        super(NAME, USAGE, VALUED, Set.of(SKIP_INVALID, STRICT), out, err);
    }

    @Override
    int run(Options options) throws IOException {
        Path modelFile = options.requiredPath(NAME, "model");
        Path data = options.requiredPath(NAME, "data");
        String label = options.required(NAME, "label");
        Path target = options.requiredPath(NAME, "out");
        Path eval = options.get("eval").map(Path::of).orElse(null);
        if (options.flag(SKIP_INVALID) && options.flag(STRICT)) {
            throw CommandException.usage(NAME + ": --" + SKIP_INVALID + " and --" + STRICT + " are each other's"
                    + " opposite; pass one (--" + STRICT + " is the default)");
        }
        OnError onError = options.flag(SKIP_INVALID) ? OnError.ROW : OnError.REJECT;
        Path calibration =
                options.get(CardCalibration.CALIBRATION).map(Path::of).orElse(null);
        double coverage = CardCalibration.coverage(options, calibration);
        // A model whose file carries no card inside (XGBoost, LightGBM, an MLflow directory) is copied, its card
        // beside.
        boolean beside = ModelLoader.cardBeside(modelFile).isPresent();
        if (beside) {
            NativeCardOut.refuseOnnxOptions(NAME, options);
        }
        if (beside && Files.isDirectory(modelFile)) {
            NativeCardOut.checkOut(NAME, modelFile, target, options.flag("force"));
        }
        checkFiles(modelFile, data, eval, target, options.flag("force"));
        if (beside && !Files.isDirectory(modelFile)) {
            NativeCardOut.checkOut(NAME, modelFile, target, options.flag("force"));
        }
        if (calibration != null) {
            CardCalibration.checkFile(calibration, data);
        }
        try (Model model = beside ? load(NAME, modelFile) : named(modelFile, options, data, label, target)) {
            if (beside) {
                NativeCardOut.refuseOnnxInside(NAME, modelFile, model);
            }
            boolean classifier = model.signature().task() == Task.CLASSIFICATION;
            NameOptions.ClassNames names = NameOptions.classNames(
                    NAME, options.get(NameOptions.CLASS_NAMES).orElse(null), model);
            NameOptions.sayRecoding(NAME, names, label, out);
            Map<String, String> classNames = names.byLabel();
            if (model.signature().featureNames().contains(label)) {
                throw CommandException.refused(NAME + ": --label '" + label + "' is an input of the model; the label"
                        + " is the column the model predicts");
            }
            requireLabel(data, label);
            if (eval != null) {
                requireLabel(eval, label);
            }
            CardStatistics first = new CardStatistics(model, label);
            CardSkips dataSkips = new CardSkips(data.getFileName().toString());
            CardPasses passes = new CardPasses(err, model, label, names, onError);
            String sha256 = passes.read(data, "reading " + data.getFileName(), first::accept, dataSkips);
            checkSkips(dataSkips, first.rows);
            // A second reading of the same file skips the same rows: they are counted once.
            CardSkips again = new CardSkips(data.getFileName().toString());
            CardSkips evalSkips =
                    eval == null ? null : new CardSkips(eval.getFileName().toString());
            CardDetails second = new CardDetails(model, label, first);
            CardDetails scored;
            String method;
            if (eval == null) {
                passes.score(data, "scoring " + data.getFileName(), second, again);
                scored = second;
                method = "measured on the data given (" + data.getFileName() + ", " + first.rows + " rows), which may"
                        + " be the training data: not an estimate of how the model does on new data";
            } else {
                passes.read(data, "reading " + data.getFileName() + " again", second::accept, again);
                scored = new CardDetails(model, label, null);
                passes.score(eval, "scoring " + eval.getFileName(), scored, evalSkips);
                checkSkips(evalSkips, scored.rows);
                method = "measured on " + eval.getFileName() + " (" + scored.rows + " rows), a file separate from "
                        + data.getFileName() + ", which the statistics and examples come from";
            }
            Map<String, Object> metrics = scored.metrics(method);
            metrics.put(org.tabserve.model.card.CardKeys.METRICS_HELD_OUT, eval != null);
            List<Map<String, Object>> skipped = new java.util.ArrayList<>();
            if (dataSkips.skipped() > 0) {
                skipped.add(dataSkips.json(first.rows));
                err.println(NAME + ": " + dataSkips.of(first.rows).sentence() + " The card records it.");
            }
            if (evalSkips != null && evalSkips.skipped() > 0) {
                skipped.add(evalSkips.json(scored.rows));
                err.println(NAME + ": " + evalSkips.of(scored.rows).sentence() + " The card records it.");
            }
            String conformal = null;
            if (calibration != null) {
                requireLabel(calibration, label);
                conformal = new CardCalibration(model, label, second.background, classifier ? null : first.target)
                        .calibrate(
                                calibration,
                                coverage,
                                (sink, skips) -> passes.score(
                                        calibration, "calibrating on " + calibration.getFileName(), sink, skips),
                                skipped,
                                err,
                                out);
            }
            Map<String, String> card = CardEntries.entries(
                    options, model, classifier, classNames, label, data, sha256, first, second, metrics, eval, skipped);
            if (conformal != null) {
                card.put(org.tabserve.model.card.CardKeys.CONFORMAL, conformal);
            }
            // Through a link, the file it points to is replaced, and the link stays.
            Path written = Files.exists(target) ? target.toRealPath() : target;
            if (beside) {
                NativeCardOut.write(NAME, modelFile, NativeCardOut.entries(card), written, options.flag("force"));
            } else {
                write(modelFile, card, written, options.flag("force"));
            }
            out.println(NAME + ": wrote " + target + " with the card of " + first.rows + " rows of "
                    + data.getFileName() + summary(metrics));
            return 0;
        } catch (RowsException problem) {
            throw CommandException.refused(NAME + ": " + problem.oneLine());
        }
    }

    /** The model as given, or with its one input's columns named ({@link NameOptions#featureNames}). */
    private Model named(Path modelFile, Options options, Path data, String label, Path target) throws IOException {
        Model given = load(NAME, modelFile);
        List<String> names;
        try {
            names = NameOptions.featureNames(NAME, options, given, data, label, out);
        } catch (RuntimeException | IOException e) {
            given.close();
            throw e;
        }
        Model model = names == null ? given : NameOptions.named(NAME, given, modelFile, names, target);
        Model taking = TextMissingAs.applied(NAME, model, modelFile, options, target, out);
        return CardMissing.applied(NAME, taking, modelFile, options, target, out);
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
        try (Model written = OnnxModelLoader.load(target)) {
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
        return String.format(
                Locale.ROOT,
                "; MAE %.4g, RMSE %.4g, R² %.4f",
                (Double) metrics.get("mae"),
                (Double) metrics.get("rmse"),
                (Double) metrics.get("r2"));
    }

    /** Refuses what can be refused before a byte of data is read. */
    private static void checkFiles(Path model, Path data, Path eval, Path target, boolean force) throws IOException {
        // The model is checked by its load, as the server checks it, before a row is read.
        requireReadable(NAME, eval == null ? List.of(data) : List.of(data, eval));
        if (Files.exists(target) && Files.exists(model) && Files.isSameFile(target, model)
                || target.toAbsolutePath()
                        .normalize()
                        .equals(model.toAbsolutePath().normalize())) {
            throw CommandException.refused(NAME + ": --out " + target + " is the input model, which is never changed;"
                    + " write the card to another file");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            // A card is a model file, loaded back once written: a device or a FIFO cannot be, and is never replaced.
            throw CommandException.refused(
                    NAME + ": --out " + target + " is not a regular file; write the card to a" + " file");
        }
        if (Files.exists(target) && !force) {
            throw CommandException.refused(NAME + ": " + target + " exists; pass --force to replace it");
        }
        requireWritable(NAME, target.toString(), target);
    }

    /** Refuses a file whose header lacks the label column, before a row is read: the argument, not the data. */
    private static void requireLabel(Path file, String label) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            CsvFiles.requireColumn(in, label);
        } catch (RowsException problem) {
            throw CardPasses.refused(file, problem);
        }
    }

    /** Refuses a file every row of which was skipped: there is nothing to make a card from. */
    private static void checkSkips(CardSkips skips, long used) {
        if (used == 0 && skips.skipped() > 0) {
            throw CommandException.refused(
                    NAME + ": no row can be used: " + skips.of(0).sentence());
        }
    }
}
