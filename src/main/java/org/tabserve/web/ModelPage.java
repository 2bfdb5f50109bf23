package org.tabserve.web;

import java.util.List;

/**
 * What the model card page shows: the model, its training, its data, its held-out metrics and two kinds of
 * pictures (the confusion matrix and per-feature histograms) as shapes already placed, so that the template only
 * draws them as inline SVG.
 *
 * @param name        the model's name
 * @param version     its version; may be empty
 * @param description one line about it; may be empty
 * @param task        "classification" or "regression"
 * @param inputs      what the model takes, one line per feature in display order
 * @param facts       what the model is and how it was trained, as term and text pairs, in reading order
 * @param data        the training data's facts (file, sha256, rows, licence, ...), as term and text pairs
 * @param metrics     held-out metrics, or null when the card has none
 * @param confusion   the confusion matrix picture, or null when the card has none
 * @param histograms  one picture per feature; may be empty
 * @param legend      one entry per class, for the histograms' colours
 */
record ModelPage(String name, String version, String description, String task, List<InputLine> inputs,
                 List<Fact> facts, List<Fact> data, Metrics metrics, Confusion confusion,
                 List<HistogramChart> histograms, List<Legend> legend) {

    /**
     * One feature the model takes.
     *
     * @param feature    its name
     * @param type       its value type (float, int64, string, …)
     * @param tensor     the graph input that carries it, with the input's v2 datatype and shape
     * @param missing    whether it may be left empty ("yes" or "no")
     * @param categories its known values and what an unknown one gets; empty when it has none
     */
    record InputLine(String feature, String type, String tensor, String missing, String categories) {
    }

    /** A term and its text. */
    record Fact(String term, String text) {
    }

    /**
     * @param method   how the held-out rows were chosen
     * @param rows     how many
     * @param accuracy share correct, as text
     * @param perClass one line per class
     */
    record Metrics(String method, String rows, String accuracy, List<ClassLine> perClass) {
    }

    /** One class's held-out precision, recall, F1 and support, as text. */
    record ClassLine(String displayName, String label, String precision, String recall, String f1, String support) {
    }

    /**
     * @param size   the picture's width and height
     * @param labels axis labels with their positions
     * @param cells  one per (true, predicted) pair
     * @param summary the matrix in words, for screen readers
     */
    record Confusion(int size, List<Text> labels, List<Cell> cells, String summary) {
    }

    /** A square of the matrix: where, how dark ({@code opacity}), its count and the count's colour class. */
    record Cell(double x, double y, double side, double opacity, String count, double textX, double textY,
                String textClass) {
    }

    /** Text placed at a point, with its anchor and an optional rotation in degrees. */
    record Text(double x, double y, String text, String anchor, String transform) {
    }

    /**
     * @param feature the feature's name
     * @param width   the picture's width
     * @param height  the picture's height
     * @param bars    one per class and bin with a count above zero
     * @param axis    the baseline's y
     * @param ticks   the range's ends under the axis
     * @param summary the histogram in words, for screen readers
     */
    record HistogramChart(String feature, int width, int height, List<Bar> bars, double axis, List<Text> ticks,
                          String summary) {
    }

    /** One bar: its rectangle, the CSS class of its class's colour, and a tooltip. */
    record Bar(double x, double y, double width, double height, String cssClass, String title) {
    }

    /** A class's colour in the histograms. */
    record Legend(String displayName, String label, String cssClass) {
    }
}
