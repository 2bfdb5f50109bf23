package org.tabserve.model.live;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;

/**
 * What one served model version has actually scored, per input, on its card's training profile (the histogram's
 * fixed bins for a number, the category counts for text), since start and over the last hour, so that the server can
 * say how far live inputs have drifted from the training data: counts, missing, out-of-range and unknown-category
 * values, and a {@link Psi} per input. Missing values are a bin of their own in the score, against the training rows
 * the card's profile of that input leaves out (its data block's rows, or training rows, less the profile's counts),
 * so that an input
 * that goes missing drifts; an integer input the model knows as categories (its encoder's, such as a passenger class
 * 1, 2, 3) is compared as categories, its training counts read from the card's histogram bins they fall in.
 *
 * <p>Memory is fixed when the profile is made (a handful of counters per bin and category; an unknown category is
 * counted, never stored). {@link #record} counts a batch into a local array first and then makes one atomic add per
 * counter that changed: no lock on the scoring path.
 */
public final class LiveProfile {

    /**
     * One input's live figures over one window.
     *
     * @param values     values scored, missing ones included
     * @param missing    missing values
     * @param outOfRange numbers below the first bin edge or above the last
     * @param unknown    categories the card has not seen
     * @param counts     per bin (or known category, in {@link LiveFeature#bins()} order), the values that fell in it
     * @param psi        the drift score; NaN when fewer than {@link LiveFeature#needed()} values were scored, missing
     *                   ones included, or the input has no training profile
     */
    public record Window(long values, long missing, long outOfRange, long unknown, List<Long> counts, double psi) {

        /** @return {@code part} as a share of the values, 0 when there are none */
        public double rate(long part) {
            return values == 0 ? 0 : (double) part / values;
        }
    }

    /**
     * One input's live figures.
     *
     * @param name       the feature's name
     * @param kind       how it is compared
     * @param bins       the histogram's edges as text ("a–b") or the known categories, in count order
     * @param edges      the histogram's edges (empty unless {@link LiveKind#HISTOGRAM})
     * @param training   the training counts per bin or category, summed over classes
     * @param recent     the last {@link LiveCounts#WINDOW_SECONDS} seconds
     * @param sinceStart since the model version was loaded
     * @param needed     the values (missing ones included) the input needs in a window before it gets a score:
     *                   {@link Psi#minValues} of the bins its training data fills
     */
    public record LiveFeature(
            String name,
            LiveKind kind,
            List<String> bins,
            List<Double> edges,
            List<Double> training,
            Window recent,
            Window sinceStart,
            long needed) {}

    private final List<LiveColumn> columns;
    private final LiveCounts counts;
    private final LongSupplier nanoClock;

    /** A profile of {@code signature}'s inputs against {@code card}, on {@link System#nanoTime()}. */
    public LiveProfile(ModelSignature signature, ModelCard card) {
        this(signature, card, System::nanoTime);
    }

    /** @param nanoClock the window's clock, on {@link System#nanoTime()}'s scale */
    public LiveProfile(ModelSignature signature, ModelCard card, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        List<LiveColumn> built = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < signature.inputs().size(); i++) {
            ModelInput input = signature.inputs().get(i);
            for (int c = 0; c < input.width(); c++) {
                Feature feature = input.features().get(c);
                LiveColumn column = LiveColumn.of(feature, input, i, c, offset, card);
                built.add(column);
                offset += column.cells();
            }
        }
        this.columns = List.copyOf(built);
        this.counts = new LiveCounts(offset);
    }

    /** @return whether the card gave any input a training profile to compare with */
    public boolean hasTrainingProfile() {
        return columns.stream().anyMatch(c -> c.kind != LiveKind.NONE);
    }

    /** Counts what the model scored: every row of {@code batch}, into both windows. */
    public void record(Batch batch) {
        if (batch.size() == 0) {
            return;
        }
        if (batch.size() == 1) {
            recordOne(batch);
            return;
        }
        long[] delta = new long[counts.width()];
        for (LiveColumn column : columns) {
            Object data = batch.data(column.input);
            for (int r = 0; r < batch.size(); r++) {
                delta[column.offset + cell(column, data, r * column.width + column.column)]++;
            }
        }
        counts.add(nanoClock.getAsLong(), delta);
    }

    /**
     * One row, as most requests send: its one counter per column added straight ({@link LiveCounts#addOnes}), rather
     * than through a delta of every counter, which the row would allocate and {@link LiveCounts#add} scan.
     */
    private void recordOne(Batch batch) {
        int[] cells = new int[columns.size()];
        for (int i = 0; i < cells.length; i++) {
            LiveColumn column = columns.get(i);
            cells[i] = column.offset + cell(column, batch.data(column.input), column.column);
        }
        counts.addOnes(nanoClock.getAsLong(), cells);
    }

    /** The counter within its column that the value at {@code at} of its input's {@code data} falls in. */
    private static int cell(LiveColumn column, Object data, int at) {
        return switch (column.kind) {
            case HISTOGRAM -> histogramCell(column, number(data, at));
            case CATEGORIES -> categoryCell(column, data, at);
            case NONE -> Double.isNaN(number(data, at)) ? 1 : 0;
        };
    }

    /** The counter within a histogram column: a bin, then below, above, missing. */
    private static int histogramCell(LiveColumn column, double value) {
        double[] edges = column.edges;
        int bins = edges.length - 1;
        if (Double.isNaN(value)) {
            return bins + 2;
        }
        if (value < edges[0]) {
            return bins;
        }
        if (value > edges[bins]) {
            return bins + 1;
        }
        int bin;
        if (column.binsPerUnit > 0 && value != 0) {
            // A guess from the edges' spread, then the edges themselves: the same bin as the search below, whose
            // order puts -0.0 below 0.0 (hence zero goes to it).
            bin = Math.max(0, Math.min(bins, (int) ((value - edges[0]) * column.binsPerUnit)));
            while (edges[bin] > value) {
                bin--;
            }
            while (bin < bins && edges[bin + 1] <= value) {
                bin++;
            }
        } else {
            return LiveColumn.histogramBin(edges, value);
        }
        return Math.min(bin, bins - 1); // the last bin includes its upper edge
    }

    /** The counter within a category column: a known category, then unknown, missing. */
    private static int categoryCell(LiveColumn column, Object data, int at) {
        String category;
        if (data instanceof String[] texts) {
            category = texts[at];
        } else if (data instanceof long[] longs) {
            category = Long.toString(longs[at]);
        } else if (data instanceof int[] ints) {
            category = Integer.toString(ints[at]);
        } else if (data instanceof boolean[] booleans) {
            category = Boolean.toString(booleans[at]);
        } else {
            double value = number(data, at);
            category = Double.isNaN(value)
                    ? null
                    : value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
        if (category == null) {
            return column.categories.size() + 1;
        }
        Integer known = column.categories.get(category);
        return known != null ? known : column.categories.size();
    }

    private static double number(Object data, int at) {
        if (data instanceof float[] floats) {
            return floats[at];
        }
        if (data instanceof double[] doubles) {
            return doubles[at];
        }
        if (data instanceof long[] longs) {
            return longs[at];
        }
        if (data instanceof int[] ints) {
            return ints[at];
        }
        return 0; // text and booleans are never missing
    }

    /** @return every input's figures now, in the model's feature order */
    public List<LiveFeature> snapshot() {
        long[] recent = counts.recent(nanoClock.getAsLong());
        long[] total = counts.sinceStart();
        List<LiveFeature> out = new ArrayList<>(columns.size());
        for (LiveColumn column : columns) {
            List<Double> training = Arrays.stream(column.training).boxed().toList();
            out.add(new LiveFeature(
                    column.name,
                    column.kind,
                    column.bins,
                    column.cardEdges,
                    training,
                    window(column, recent),
                    window(column, total),
                    Psi.minValues(column.filledBins)));
        }
        return out;
    }

    private static Window window(LiveColumn column, long[] cells) {
        long missing = cells[column.missingCell()];
        long values = missing;
        for (int i = column.offset; i < column.missingCell(); i++) {
            values += cells[i];
        }
        if (column.kind == LiveKind.NONE) {
            return new Window(values, missing, 0, 0, List.of(), Double.NaN);
        }
        int known = column.training.length;
        List<Long> binCounts = new ArrayList<>(known);
        // The bins, then below and above (histograms) or unknown (categories), then missing.
        long[] compared = new long[known + (column.kind == LiveKind.HISTOGRAM ? 2 : 1) + 1];
        double[] expected = new double[compared.length];
        for (int i = 0; i < known; i++) {
            binCounts.add(cells[column.offset + i]);
            compared[i] = cells[column.offset + i];
            expected[i] = column.training[i];
        }
        long outOfRange = 0;
        long unknown = 0;
        if (column.kind == LiveKind.HISTOGRAM) {
            compared[known] = cells[column.offset + known];
            compared[known + 1] = cells[column.offset + known + 1];
            outOfRange = compared[known] + compared[known + 1];
        } else {
            compared[known] = cells[column.offset + known];
            unknown = compared[known];
        }
        compared[compared.length - 1] = missing;
        expected[compared.length - 1] = column.trainingMissing;
        double psi = values < Psi.minValues(column.filledBins) ? Double.NaN : Psi.of(expected, compared);
        return new Window(values, missing, outOfRange, unknown, List.copyOf(binCounts), psi);
    }
}
