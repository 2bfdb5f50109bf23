package org.tabserve.web.pages;

import java.util.List;
import org.tabserve.web.pages.plots.CardPlots;
import org.tabserve.web.pages.plots.Plot;

/**
 * What the model card page shows: the model, its training, its data, its metrics and its pictures (the confusion
 * matrix, per-feature histograms, category counts, a regressor's scatter and residuals, a binary classifier's ROC
 * curve and calibration) as shapes already placed ({@link Plot}), so that the template only draws them as inline
 * SVG; or, for a model without a card, the command that makes one.
 *
 * @param name        the model's name
 * @param version     its version; may be empty
 * @param description one line about it; may be empty
 * @param task        "classification" or "regression"
 * @param inputs      what the model takes, one line per feature in display order
 * @param facts       what the model is and how it was trained, as term and text pairs, in reading order
 * @param data        the training data's facts (file, sha256, rows, licence, ...), as term and text pairs
 * @param skipped     per data file, the sentence saying which rows the card's figures leave out; empty when none
 * @param metrics     a classifier's metrics, or null when the card has none
 * @param confusion   the confusion matrix picture, or null when the card has none or too many classes for one
 * @param confused    the most confused pairs, when the card has more classes than a matrix shows legibly; else empty
 * @param roc         a binary classifier's ROC curve, or null when the card has none
 * @param calibration a binary classifier's calibration plot, or null when the card has none
 * @param regression  a regressor's metrics and pictures, or null when the card has none
 * @param histograms  one picture per number feature; may be empty
 * @param categories  one picture per text feature; may be empty
 * @param legend      one entry per class, for the pictures' colours; empty when there is one series only
 * @param noCard      what a model without a card is told to do, or null when it has one
 * @param probabilityNote what the probabilities are when tabserve made them from the model's scores, or null
 */
record ModelPage(
        String name,
        String version,
        String description,
        String task,
        List<InputLine> inputs,
        List<Fact> facts,
        List<Fact> data,
        List<String> skipped,
        Metrics metrics,
        Plot confusion,
        List<Confused> confused,
        CardPlots.Roc roc,
        Plot calibration,
        CardPlots.Regression regression,
        List<Chart> histograms,
        List<Chart> categories,
        List<CardPlots.Legend> legend,
        NoCard noCard,
        String probabilityNote) {

    /**
     * One feature the model takes.
     *
     * @param feature    its name
     * @param type       its value type (float, int64, string, …)
     * @param tensor     the graph input that carries it, with the input's v2 datatype and shape
     * @param missing    whether it may be left empty ("yes" or "no")
     * @param categories its known values and what an unknown one gets; empty when it has none
     */
    record InputLine(String feature, String type, String tensor, String missing, String categories) {}

    /** A term and its text. */
    record Fact(String term, String text) {}

    /**
     * @param method   how the rows were chosen
     * @param rows     how many
     * @param accuracy share correct, as text
     * @param perClass one line per class
     * @param trainingRows whether the card says they were measured on its own data, which may be the training rows
     */
    record Metrics(String method, String rows, String accuracy, List<ClassLine> perClass, boolean trainingRows) {}

    /** One class's precision, recall, F1 and support, as text. */
    record ClassLine(String displayName, String label, String precision, String recall, String f1, String support) {}

    /**
     * A true class and the class it was taken for, with how many of its rows were and their share of its rows.
     */
    record Confused(String trueClass, String predicted, String rows, String share) {}

    /** One picture of one feature. */
    record Chart(String feature, Plot plot) {}

    /**
     * @param command the {@code card} command for this model, with its file name filled in
     * @param columns the columns the CSV needs: the model's inputs, in display order
     */
    record NoCard(String command, List<String> columns) {}
}
