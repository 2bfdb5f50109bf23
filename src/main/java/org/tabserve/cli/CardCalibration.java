package org.tabserve.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.tabserve.cardmaking.BackgroundSample;
import org.tabserve.cardmaking.CardJsonWriter;
import org.tabserve.cardmaking.ConformalCalibration;
import org.tabserve.model.Model;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.conformal.NoveltyDistance;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.Task;

/**
 * {@code card --calibration}: scores a labelled file of rows the model never trained on into the card's
 * split-conformal calibration ({@link ConformalCalibration}), measuring each row's novelty against the background
 * sample the card drew from {@code --data}, and refuses a file too small for {@code --coverage} in words.
 */
final class CardCalibration {

    static final String CALIBRATION = "calibration";
    static final String COVERAGE = "coverage";
    /** The coverage a calibration must answer unless {@code --coverage} says otherwise. */
    static final double DEFAULT_COVERAGE = 0.9;

    private final Model model;
    private final String labelColumn;
    private final ConformalCalibration calibration;
    private final NoveltyDistance distance;

    /**
     * @param targets a regressor's target values in the data (its minimum and maximum), which its intervals are
     *                clipped to with the calibration rows'; ignored for a classifier
     */
    CardCalibration(Model model, String labelColumn, BackgroundSample sample, org.tabserve.cardmaking.Summary targets) {
        this.model = model;
        this.labelColumn = labelColumn;
        Background background = sample.rows().isEmpty()
                ? null
                : new Background(model.signature().featureNames(), sample.rows(), BackgroundSample.SEED, 0);
        this.calibration = new ConformalCalibration(
                model.signature().task() == Task.CLASSIFICATION
                        ? model.signature().classLabels()
                        : List.of(),
                background);
        this.distance =
                background == null ? null : new NoveltyDistance(model.signature(), background, calibration.scale());
        if (targets != null) {
            calibration.sawTargets(targets.min(), targets.max());
        }
    }

    /** @return {@code --coverage}, checked: a number from 0.5 to 0.99, and only beside {@code --calibration} */
    static double coverage(Options options, Path calibration) {
        String text = options.get(COVERAGE).orElse(null);
        if (text == null) {
            return DEFAULT_COVERAGE;
        }
        if (calibration == null) {
            throw CommandException.usage(CardCommand.NAME + ": --" + COVERAGE + " is the coverage the --" + CALIBRATION
                    + " rows must answer; pass --" + CALIBRATION + " FILE with it");
        }
        try {
            double coverage = Double.parseDouble(text.strip());
            if (coverage >= Conformal.MIN_COVERAGE && coverage <= Conformal.MAX_COVERAGE) {
                return coverage;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw CommandException.usage(CardCommand.NAME + ": --" + COVERAGE + " must be a number from "
                + Conformal.MIN_COVERAGE + " to " + Conformal.MAX_COVERAGE + ", got '" + text + "'");
    }

    /** Refuses a calibration file that is {@code --data}'s: those rows are the ones the card says trained the model. */
    static void checkFile(Path calibration, Path data) throws IOException {
        ModelCommand.requireReadable(CardCommand.NAME, List.of(calibration));
        if (Files.isSameFile(calibration, data) || Files.mismatch(calibration, data) == -1) {
            throw CommandException.refused(CardCommand.NAME + ": --" + CALIBRATION + " " + calibration + " holds the"
                    + " rows of --data; " + Conformal.NOT_TRAINING_ROWS + " (hold out rows the model never saw)");
        }
    }

    /** Adds a chunk of scored calibration rows. */
    void score(Batch batch, List<String> labels, long[] numbers, List<Prediction> predictions) {
        for (int r = 0; r < predictions.size(); r++) {
            String truth = LabelCheck.checkLabel(model, labelColumn, labels.get(r), numbers[r]);
            if (predictions.get(r) instanceof Prediction.Regression answer) {
                checkResidual(Double.parseDouble(truth), answer.value(), truth, numbers[r]);
            }
            calibration.add(truth, predictions.get(r), distance == null ? Double.NaN : distance.of(batch, r));
        }
    }

    /**
     * Refuses a regressor's calibration row whose interval could not be written: its residual {@code |y - ŷ|} is the
     * interval's half-width, so twice it must be a finite double (at most about 1.8e308).
     */
    private void checkResidual(double truth, double predicted, String text, long row) {
        double residual = Math.abs(truth - predicted);
        if (!Double.isFinite(2 * residual)) {
            throw CommandException.refused(String.format(
                    Locale.ROOT,
                    "%s: --%s: row %d: label '%s' in column '%s'"
                            + " is %.4g from the model's answer %.6g, and an interval twice that wide is beyond the largest"
                            + " number a card holds (%.4g); correct or leave out the row",
                    CardCommand.NAME,
                    CALIBRATION,
                    row,
                    text,
                    labelColumn,
                    residual,
                    predicted,
                    Double.MAX_VALUE));
        }
    }

    /** One scoring pass over the calibration file, handing its rows to a sink and its left-out rows to skips. */
    interface Pass {
        void run(CardPasses.ScoredSink sink, CardSkips skips) throws IOException;
    }

    /**
     * Scores the calibration file's rows; the rows left out (under {@code --skip-invalid}) are said on {@code err}
     * and added to {@code skipped}, the card's record of them, as {@code --data}'s are, so that none is dropped
     * silently.
     *
     * @return the card entry
     */
    String calibrate(
            Path file,
            double coverage,
            Pass pass,
            List<java.util.Map<String, Object>> skipped,
            PrintStream err,
            PrintStream out)
            throws IOException {
        CardSkips skips = new CardSkips(file.getFileName().toString());
        pass.run(this::score, skips);
        String words = null;
        if (skips.skipped() > 0) {
            skipped.add(skips.json(rows()));
            words = skips.of(rows()).sentence();
            err.println(CardCommand.NAME + ": --" + CALIBRATION + ": " + words + " The card records it.");
        }
        return entry(file, coverage, words, out);
    }

    /** @return how many calibration rows were scored */
    long rows() {
        return calibration.rows();
    }

    /**
     * @param skipped the rows of the file left out and why, in one sentence, or null when none were
     * @return the card entry, having said on {@code out} what it holds
     */
    String entry(Path file, double coverage, String skipped, PrintStream out) {
        String method = "calibrated on " + file.getFileName() + " (" + calibration.rows() + " rows"
                + (skipped == null ? "" : "; " + skipped) + ")";
        Conformal conformal;
        try {
            conformal = calibration.conformal(method, file.getFileName().toString(), coverage);
        } catch (IllegalArgumentException e) {
            throw CommandException.refused(CardCommand.NAME + ": --" + CALIBRATION + " " + file.getFileName() + ": "
                    + e.getMessage() + "; pass more rows, or a lower --" + COVERAGE);
        }
        for (Conformal.Check check : conformal.checks()) {
            out.println(String.format(
                    Locale.ROOT,
                    "%s: conformal coverage %.2f: %.3f of the calibration rows" + " covered, mean %s %.4g",
                    CardCommand.NAME,
                    check.coverage(),
                    check.empirical(),
                    model.signature().task() == Task.CLASSIFICATION ? "set size" : "interval width",
                    check.meanSize()));
        }
        return CardJsonWriter.write(ConformalCalibration.toJson(conformal));
    }
}
