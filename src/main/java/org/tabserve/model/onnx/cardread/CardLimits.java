package org.tabserve.model.onnx.cardread;

/**
 * The most of each card structure a model may carry, checked when it loads, because pages and documents draw every
 * item of them (a histogram bin is an SVG bar, a confusion matrix cell a table cell): a card within these bounds
 * cannot make an unbounded page, whatever fits in its 1 MiB metadata values. A card past one is refused, naming the
 * key and the limit, rather than cut short: a card shown in part would state something its author did not write,
 * and nothing made by {@code tabserve card} comes near these (16 bins, 101 ROC points, 10 calibration bins,
 * 500 regression points, 3 examples per class, 50 categories).
 */
public final class CardLimits {

    /** Class labels a card may name: its classes, display names, per-class metrics and series per picture. */
    public static final int CLASSES = 1_000;

    /** Labels of a confusion matrix, whose cells are its labels squared. */
    static final int MATRIX_LABELS = 200;

    /** Bins of one histogram (a feature's, the residuals') and of a calibration curve. */
    static final int BINS = 256;

    /** Categories of one text feature, per series. */
    static final int CATEGORIES = 1_000;

    /** Points of a ROC curve or of a regressor's actual-against-predicted sample. */
    static final int POINTS = 2_000;

    /** Example rows per class, and in all. */
    static final int EXAMPLES_PER_CLASS = 20;

    static final int EXAMPLES = 1_000;

    /**
     * Rows of the background sample ({@link org.tabserve.model.card.CardKeys#BACKGROUND}): each explained row costs one
     * model row per background row and coalition, so the sample bounds an explanation's cost (card writes 100).
     */
    static final int BACKGROUND_ROWS = 1_000;

    /** Counts drawn in all of the histograms and category pictures together, each one a bar. */
    static final int DRAWN_COUNTS = 200_000;

    /**
     * Bytes of a card file beside a model that carries none inside (an XGBoost or LightGBM file, an MLflow
     * directory): the most of metadata an ONNX file's card is read with (4 MiB in all), read before it is parsed.
     */
    public static final int FILE_BYTES = 4 << 20;

    /** Entries of a card file beside a model (a card has about twenty). */
    public static final int FILE_ENTRIES = 1_000;

    /** Characters of one entry's key in a card file beside a model. */
    public static final int FILE_KEY_CHARS = 1_000;

    private CardLimits() {}

    /**
     * @throws IllegalArgumentException naming {@code what}, its size and the limit, when {@code size > limit}
     */
    static void check(String what, int size, int limit) {
        if (size > limit) {
            throw new IllegalArgumentException(what + " has " + size + " items; tabserve draws at most " + limit);
        }
    }
}
