package org.tabserve.model.trees;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.explain.ExplanationMeter;
import org.tabserve.model.explain.StructuralExplainer;
import org.tabserve.model.explain.TreeShapley;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Task;

/**
 * Explains a natively served forest ({@code NativeModel}) exactly from its trees ({@link TreeWalk}) by
 * interventional TreeSHAP against its card's background, with the ONNX tree ensembles' one walk ({@link TreeShapley}):
 * each feature a column, each row the doubles the forest takes (a text category its code, missing NaN), each branch
 * taken as the library's predict takes it; built by {@code NativeModel} on first use.
 *
 * <p>The quantity explained is, as for an ONNX tree ensemble, a classifier's predicted class's margin (the raw score
 * before the sigmoid or softmax; a binary forest's one margin is the second class's, the first's its negation) and a
 * regressor's value where it is its margin (the identity link). A regressor through a link ({@code exp},
 * {@code sigmoid}) and a forest of linear leaves have none: their answers are not sums over trees, and coalitions of
 * rows explain them.
 *
 * <p>The margins are summed in double: each margin's base is what the library's margins add to the trees' leaves,
 * averaged over the background rows (XGBoost's base margin up to its float32 sums' rounding; LightGBM's zero). The
 * explainer is built only when, on every background row, those margins are the library's to its precision.
 *
 * <p>Thread-safety: immutable.
 */
final class ForestExplainer implements StructuralExplainer {

    private static final System.Logger LOG = System.getLogger(ForestExplainer.class.getName());

    /** Values tried at a categorical branch for its children, beyond the background's: codes from 0. */
    private static final int PROBED_CODES = 1_024;

    /** How the served model hands the trees a checked batch's row, refusing it once the model is closed. */
    @FunctionalInterface
    interface Rows {
        /** Fills {@code row} with row {@code r}'s cells as the forest takes them ({@link ForestFeature}). */
        void values(Batch batch, int r, double[] row);
    }

    private final TrainedForest forest;
    private final ModelSignature signature;
    private final Rows rows;
    private final TreeShapley shapley;
    private final double[][] background;
    private final double[] baseValues;
    private final String quantity;
    private final int[] groupOf;

    private ForestExplainer(
            TrainedForest forest,
            ModelSignature signature,
            Rows rows,
            TreeShapley shapley,
            double[][] background,
            String quantity) {
        this.forest = forest;
        this.signature = signature;
        this.rows = rows;
        this.shapley = shapley;
        this.background = background;
        this.quantity = quantity;
        int width = shapley.margins(background[0]).length;
        this.baseValues = new double[width];
        for (double[] b : background) {
            double[] m = shapley.margins(b);
            for (int c = 0; c < width; c++) {
                baseValues[c] += m[c] / background.length;
            }
        }
        this.groupOf = new int[forest.features().size()];
        for (int j = 0; j < groupOf.length; j++) {
            groupOf[j] = j;
        }
    }

    /**
     * The explainer of a served forest, or null (the reason logged; the model is then explained by coalitions of
     * rows): when its card has no background, its forest offers no walk, its answer is not a margin or value explained
     * so, or the walk's margins differ from the forest's on a background row.
     *
     * @param signature what the model takes, which its card's background rows are checked against
     * @param source    where it was read from, for the log
     */
    static ForestExplainer build(
            TrainedForest forest, ModelSignature signature, ModelCard card, String source, Rows rows) {
        Background background = card == null ? null : card.background();
        if (background == null || forest.walk().isEmpty()) {
            return null;
        }
        try {
            String why = unexplained(forest);
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
            TreeWalk walk = forest.walk().get();
            Batch cells = Batch.of(signature, background.cells());
            double[][] b = new double[cells.size()][forest.features().size()];
            for (int r = 0; r < b.length; r++) {
                rows.values(cells, r, b[r]);
            }
            double[] base = base(forest, walk, b);
            boolean binary = forest.task() == Task.CLASSIFICATION && forest.margins() == 1;
            TreeShapley shapley = new TreeShapley(walk, base, binary ? 0 : Double.NaN, depths(forest, walk, b));
            String quantity = forest.task() == Task.CLASSIFICATION ? Explanation.MARGIN : Explanation.VALUE;
            ForestExplainer explainer = new ForestExplainer(forest, signature, rows, shapley, b, quantity);
            LOG.log(System.Logger.Level.INFO, "{0}: explained exactly from its trees ({1})", source, quantity);
            return explainer;
        } catch (RuntimeException e) {
            // Never a reason to refuse the model: it is explained by coalitions as any other. A reason of ours
            // (IllegalArgumentException, a background the signature refuses) is news; anything else is a fault.
            boolean expected = e instanceof IllegalArgumentException || e instanceof ModelException;
            LOG.log(
                    expected ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    source + ": explained by coalitions of rows: " + e.getMessage(),
                    expected ? null : e);
            return null;
        }
    }

    /** @return why the forest's answers are not explained from its trees, or null when they are */
    private static String unexplained(TrainedForest forest) {
        String link = forest.link();
        int margins = forest.margins();
        if (forest.task() == Task.REGRESSION) {
            return link.equals("identity") && margins == 1
                    ? null
                    : "its value is its margin through " + link + ", not a sum over its trees";
        }
        int classes = forest.classes().size();
        boolean binary = margins == 1 && classes == 2 && link.equals("sigmoid");
        boolean each = margins == classes && (link.equals("softmax") || link.equals("sigmoid"));
        return binary || each ? null : "its " + margins + " margins through " + link + " are not its classes'";
    }

    /**
     * Each margin's base: what the forest's margins add to the sums of the leaves its walk reaches (in tree order, in
     * double, as {@link TreeShapley} sums them), averaged over the background rows; checked on each row to the
     * forest's precision: float32 sums of as many terms as trees, each rounded within half a float ulp of the sum so
     * far, which is at most the base and the leaves' magnitudes summed.
     *
     * @throws IllegalArgumentException when a background row's margin differs from the walk's by more
     */
    private static double[] base(TrainedForest forest, TreeWalk walk, double[][] background) {
        int k = forest.margins();
        double[][] walked = new double[background.length][k];
        double[][] magnitude = new double[background.length][k];
        double[][] library = new double[background.length][k];
        double[] base = new double[k];
        for (int r = 0; r < background.length; r++) {
            for (int t = 0; t < walk.trees(); t++) {
                int node = walk.root(t);
                while (!walk.isLeaf(node)) {
                    node = walk.child(node, background[r][walk.feature(node)]);
                }
                double v = walk.leafValue(node);
                walked[r][walk.margin(t)] += v;
                magnitude[r][walk.margin(t)] += Math.abs(v);
            }
            forest.margins(background[r], library[r]);
            for (int m = 0; m < k; m++) {
                base[m] += (library[r][m] - walked[r][m]) / background.length;
            }
        }
        double rounding = Math.ulp(1.0f) * (walk.trees() + 2);
        for (int r = 0; r < background.length; r++) {
            for (int m = 0; m < k; m++) {
                double gap = Math.abs(library[r][m] - base[m] - walked[r][m]);
                double size = Math.abs(base[m]) + magnitude[r][m] + Math.abs(library[r][m]);
                if (!(gap <= rounding * size + Double.MIN_NORMAL)) {
                    throw new IllegalArgumentException(
                            "its trees as walked differ from its margins on background row " + r);
                }
            }
        }
        return base;
    }

    /**
     * Each tree's depth, for the work an explanation counts: each tree walked from its root to every child a
     * branch sends a value to, found by trying missing, both infinities, a categorical branch's codes (its strings',
     * else the first {@value #PROBED_CODES}) and the background's values; without recursion, a tree's nodes visited
     * once each.
     *
     * @throws IllegalArgumentException when a tree is deeper than {@link ForestLimits#DEFAULT} allows or has more
     *                                  nodes (a walk that does not end)
     */
    private static int[] depths(TrainedForest forest, TreeWalk walk, double[][] background) {
        int[] depths = new int[walk.trees()];
        int budget = ForestLimits.DEFAULT.maxNodes();
        for (int t = 0; t < walk.trees(); t++) {
            int deepest = 0;
            ArrayDeque<int[]> open = new ArrayDeque<>();
            open.push(new int[] {walk.root(t), 0});
            while (!open.isEmpty()) {
                int[] at = open.pop();
                if (--budget < 0 || at[1] > ForestLimits.DEFAULT.maxDepth()) {
                    throw new IllegalArgumentException("its trees do not end within the bounds of a forest");
                }
                if (walk.isLeaf(at[0])) {
                    deepest = Math.max(deepest, at[1]);
                    continue;
                }
                for (int child : children(forest, walk, at[0], background)) {
                    open.push(new int[] {child, at[1] + 1});
                }
            }
            depths[t] = Math.max(1, deepest);
        }
        return depths;
    }

    /** @return the children of branch {@code node} that the values tried reach (two at most, as a branch has) */
    private static Set<Integer> children(TrainedForest forest, TreeWalk walk, int node, double[][] background) {
        Set<Integer> found = new HashSet<>(4);
        int j = walk.feature(node);
        for (double v : new double[] {Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}) {
            found.add(walk.child(node, v));
        }
        ForestFeature feature = forest.features().get(j);
        if (feature.categorical()) {
            int codes = feature.text() ? feature.categories().size() : PROBED_CODES;
            for (int c = 0; c < codes && found.size() < 2; c++) {
                found.add(walk.child(node, c));
            }
        }
        for (int r = 0; r < background.length && found.size() < 2; r++) {
            found.add(walk.child(node, background[r][j]));
        }
        return found;
    }

    /** A row, and its walk against the background as an ONNX tree ensemble's counts ({@link TreeShapley#modelRows}). */
    @Override
    public long modelRowsPerRow() {
        return 1 + shapley.modelRows(background.length);
    }

    @Override
    public String work() {
        return shapley.work(background.length);
    }

    /** Counts the row's work as {@link #modelRowsPerRow} model rows, seen by {@code meter} before it is done. */
    @Override
    public Explanation explain(Batch batch, int row, ExplanationMeter meter) {
        if (batch.signature() != signature && !batch.signature().equals(signature)) {
            throw new IllegalArgumentException("the batch was checked against another model's signature");
        }
        double[] x = new double[forest.features().size()];
        rows.values(batch, row, x);
        meter.beforeCall((int) Math.min(Integer.MAX_VALUE, modelRowsPerRow()));
        int target = 0;
        String label = null;
        if (forest.task() == Task.CLASSIFICATION) {
            double[] scores = new double[forest.classes().size()];
            forest.answer(x, scores);
            for (int c = 0; c < scores.length; c++) {
                if (!Double.isFinite(scores[c])) {
                    throw ModelException.predictionFailed(
                            "the model returned no finite answer for the row explained", null);
                }
                target = scores[c] > scores[target] ? c : target;
            }
            label = forest.classes().get(target);
        }
        double[] phi = new double[groupOf.length];
        shapley.contributions(x, background, target, groupOf, phi);
        Map<String, Double> contributions = new LinkedHashMap<>();
        List<String> names = signature.featureNames();
        for (int g = 0; g < phi.length; g++) {
            contributions.put(names.get(g), phi[g]);
        }
        return new Explanation(
                Explanation.TREE,
                quantity,
                label,
                baseValues[target],
                shapley.margins(x)[target],
                contributions,
                background.length,
                0,
                Map.of());
    }
}
