package org.tabserve.model.trees;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.explain.StructuralExplainer;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.ValueType;
import org.tabserve.model.trees.lightgbm.LightgbmReader;
import org.tabserve.model.trees.xgboost.XgboostReader;
import org.tabserve.testing.ShapForests;

/**
 * A natively served forest's exact explanations (interventional TreeSHAP from its trees, the walk ONNX tree ensembles
 * share), on models trained by XGBoost 3.4 and LightGBM 4.1 themselves, a categorical feature and missing values among
 * their rows: each explanation says method "tree", a classifier's predicted class's margin or a regressor's value; (a)
 * its base value plus contributions is its output to 1e-9, and its output is the library's own margin (LightGBM's to
 * the bit, XGBoost's float32 sum within its rounding), for every class; (b) each contribution is the interventional
 * Shapley value over the background by brute force over every coalition of the five features, of the trees' margin
 * summed in double (1e-9) and of the reader's margins (1e-9 for LightGBM's doubles, float32 rounding for XGBoost's);
 * (c) categories, unseen codes and unknown strings and missing values take predict's branches (the outputs above). The
 * work counted is a model row plus one per tree level per background row, the levels the libraries' own dump and text
 * show (of one class's trees, the deepest class's, for a multiclass forest, whose explanation walks one class's); a
 * closed model explains no more.
 */
class ForestTreeShapTest {

    private static final double SAME = 1e-9;
    private static final double BACKGROUND_SEED = 31;

    /** Background rows, seeded apart from the training rows, missing values among them. */
    private static final double[][] BACKGROUND = ShapForests.rows(31, 9);

    /** Rows explained: seeded ones, a missing and an unseen category, every value missing. */
    private static final double[][] EXPLAINED = explained();

    private static double[][] explained() {
        List<double[]> rows = new ArrayList<>(Arrays.asList(ShapForests.rows(47, 24)));
        double[] a = rows.get(0).clone();
        a[ShapForests.CATEGORY] = Double.NaN;
        double[] b = rows.get(1).clone();
        b[ShapForests.CATEGORY] = 9;
        double[] none = new double[ShapForests.FEATURES];
        Arrays.fill(none, Double.NaN);
        rows.addAll(List.of(a, b, none));
        return rows.toArray(double[][]::new);
    }

    @Test
    void xgboostBinaryWithACategoryExplainsEachClasssMarginExactly() throws Exception {
        double[][] x = ShapForests.rows(5, 300);
        Booster booster =
                ShapForests.xgboost(x, ShapForests.labels(x, 2, 3), Map.of("objective", "binary:logistic"), true, 8);
        NativeModel model = xgboost(booster);
        assertTrue(model.forest().features().get(ShapForests.CATEGORY).categorical());
        assertTrue(String.join("", booster.getModelDump((String) null, false)).contains("[f1:{"), "category splits");
        Checked checked = check(model, null, ShapForests.xgbMargins(booster, EXPLAINED), 2e-6);
        assertEquals(Set.of("0", "1"), checked.classes, "both classes explained");
        assertEquals(1 + levels(booster) * (long) BACKGROUND.length, checked.modelRowsPerRow);
    }

    @Test
    void xgboostMulticlassExplainsEachClasssMarginExactly() throws Exception {
        double[][] x = ShapForests.rows(6, 300);
        Booster booster = ShapForests.xgboost(
                x, ShapForests.labels(x, 3, 3), Map.of("objective", "multi:softprob", "num_class", 3), true, 6);
        NativeModel model = xgboost(booster);
        Checked checked = check(model, null, ShapForests.xgbMargins(booster, EXPLAINED), 2e-6);
        assertEquals(Set.of("0", "1", "2"), checked.classes, "every class explained");
        // one class's trees are walked: the deepest class's levels count
        assertEquals(1 + levels(booster, 3) * (long) BACKGROUND.length, checked.modelRowsPerRow);
        assertTrue(
                model.structuralExplainer().orElseThrow().work().startsWith("walking 6 of its 18 trees, one margin's"),
                model.structuralExplainer().orElseThrow().work());
    }

    @Test
    void xgboostRegressorExplainsItsValueExactly() throws Exception {
        double[][] x = ShapForests.rows(7, 300);
        Booster booster =
                ShapForests.xgboost(x, ShapForests.labels(x, 0, 3), Map.of("objective", "reg:squarederror"), false, 10);
        NativeModel model = xgboost(booster);
        Checked checked = check(model, null, ShapForests.xgbMargins(booster, EXPLAINED), 2e-6);
        assertEquals(1 + levels(booster) * (long) BACKGROUND.length, checked.modelRowsPerRow);
        StructuralExplainer explainer = model.structuralExplainer().orElseThrow();
        Batch rows = Batch.of(model.signature(), cells(EXPLAINED, null));
        model.close();
        assertThrows(ModelException.class, () -> explainer.explain(rows, 0, n -> {}), "a closed model explains none");
    }

    @Test
    void lightgbmBinaryWithACategoryExplainsEachClasssMarginToTheBit() throws Exception {
        double[][] x = ShapForests.rows(8, 300);
        String text = ShapForests.lightgbm(
                x, ShapForests.labels(x, 2, 3), "categorical_feature=1", "objective=binary categorical_feature=1", 8);
        NativeModel model = lightgbm(text);
        assertTrue(model.forest().features().get(ShapForests.CATEGORY).categorical());
        assertTrue(text.matches("(?s).*\nnum_cat=[1-9].*"), "the model splits on the category");
        double[] raw = ShapForests.lightgbmMargins(text, EXPLAINED);
        Checked checked = check(model, null, column(raw), 0);
        assertEquals(Set.of("0", "1"), checked.classes, "both classes explained");
        assertEquals(1 + levels(text, 1) * (long) BACKGROUND.length, checked.modelRowsPerRow);
    }

    @Test
    void lightgbmMulticlassExplainsEachClasssMarginToTheBit() throws Exception {
        double[][] x = ShapForests.rows(9, 300);
        String text = ShapForests.lightgbm(
                x,
                ShapForests.labels(x, 3, 3),
                "categorical_feature=1",
                "objective=multiclass num_class=3 categorical_feature=1",
                5);
        NativeModel model = lightgbm(text);
        // the reader's margins stand for LightGBM's here (its exactness tests hold them to the bit): lightgbm4j's
        // own multiclass predict writes past its buffer
        double[][] margins = new double[EXPLAINED.length][3];
        for (int r = 0; r < EXPLAINED.length; r++) {
            model.forest().margins(EXPLAINED[r], margins[r]);
        }
        Checked checked = check(model, null, margins, 0);
        assertEquals(Set.of("0", "1", "2"), checked.classes, "every class explained");
        assertTrue(text.matches("(?s).*\nnum_cat=[1-9].*"), "the model splits on the category");
        assertEquals(1 + levels(text, 3) * (long) BACKGROUND.length, checked.modelRowsPerRow);
    }

    @Test
    void lightgbmRegressorWithTextCategoriesExplainsItsValueAsTheCoalitionsDo() throws Exception {
        double[][] x = ShapForests.rows(10, 300);
        String trained = ShapForests.lightgbm(
                x,
                ShapForests.labels(x, 0, 3),
                "categorical_feature=1",
                "objective=regression categorical_feature=1",
                8);
        List<String> names = List.of("ash", "birch", "cedar", "elm", "fir", "oak");
        String text = trained + "\npandas_categorical:[[\"ash\", \"birch\", \"cedar\", \"elm\", \"fir\", \"oak\"]]\n";
        NativeModel model = lightgbm(text);
        assertEquals(names, model.forest().features().get(ShapForests.CATEGORY).categories());
        double[] raw = ShapForests.lightgbmMargins(text, EXPLAINED);
        check(model, names, column(raw), 0);
        // the value explained is the model's answer: the generic coalitions' exact values are the same
        Background background = background(model, names);
        Batch rows = Batch.of(model.signature(), cells(EXPLAINED, names));
        Explainer structural = new Explainer(model, background);
        Explainer coalitions = new Explainer(model, background, false);
        for (int r = 0; r < EXPLAINED.length; r++) {
            Explanation tree = structural.explain(rows, r);
            Explanation exact = coalitions.exact(rows, r);
            assertEquals(Explanation.TREE, tree.method());
            assertEquals(Explanation.EXACT, exact.method());
            assertEquals(exact.output(), tree.output(), SAME * Math.max(1, Math.abs(exact.output())));
            assertEquals(exact.baseValue(), tree.baseValue(), SAME * Math.max(1, Math.abs(exact.baseValue())));
            for (String column : model.signature().featureNames()) {
                assertEquals(
                        exact.contributions().get(column),
                        tree.contributions().get(column),
                        SAME * Math.max(1, Math.abs(exact.output())),
                        column);
            }
        }
    }

    @Test
    void aForestWhoseAnswerIsNotASumOverItsTreesOrWithoutABackgroundHasNone() throws Exception {
        double[][] x = ShapForests.rows(11, 300);
        Booster poisson =
                ShapForests.xgboost(x, ShapForests.labels(x, -1, 3), Map.of("objective", "count:poisson"), false, 4);
        assertTrue(xgboost(poisson).structuralExplainer().isEmpty(), "exp link: coalitions explain its value");
        String linear = ShapForests.lightgbm(
                x, ShapForests.labels(x, 0, 3), "linear_tree=true", "objective=regression linear_tree=true", 4);
        assertTrue(lightgbm(linear).structuralExplainer().isEmpty(), "linear leaves");
        Booster plain =
                ShapForests.xgboost(x, ShapForests.labels(x, 0, 3), Map.of("objective", "reg:squarederror"), false, 4);
        TrainedForest forest = XgboostReader.read(plain.toByteArray("json"), "model.json", ForestLimits.DEFAULT);
        NativeModel bare = NativeModel.of(
                forest, "bare", "0", ModelCard.builder("bare", "").build(), ValueType.FLOAT);
        assertTrue(bare.structuralExplainer().isEmpty(), "no background");
        assertTrue(xgboost(plain).structuralExplainer().isPresent());
    }

    // ------------------------------------------------------------------------------------------------------------

    private record Checked(Set<String> classes, long modelRowsPerRow) {}

    /**
     * Explains every row of {@link #EXPLAINED} and checks (a), (b) and (c).
     *
     * @param names   the category column's strings, or null when it takes codes
     * @param library the library's own margins of each row
     * @param slack   how far (relative) the explanation's output may be from the library's margin: 0 for LightGBM's
     *                doubles, float32 sums' rounding for XGBoost's
     */
    private static Checked check(NativeModel model, List<String> names, double[][] library, double slack) {
        StructuralExplainer explainer = model.structuralExplainer().orElseThrow();
        TreeWalk walk = model.forest().walk().orElseThrow();
        Batch rows = Batch.of(model.signature(), cells(EXPLAINED, names));
        List<Prediction> predictions = model.predict(rows);
        boolean classifier = !model.forest().classes().isEmpty();
        boolean binary = classifier && model.forest().margins() == 1;
        Set<String> classes = new TreeSet<>();
        long[] metered = new long[1];
        double worstLibrary = 0;
        for (int r = 0; r < EXPLAINED.length; r++) {
            Explanation e = explainer.explain(rows, r, n -> metered[0] = n);
            assertEquals(explainer.modelRowsPerRow(), metered[0], "the meter sees the row's work first");
            assertEquals(Explanation.TREE, e.method());
            assertEquals(BACKGROUND.length, e.backgroundRows());
            double[] xr = EXPLAINED[r];
            int margin = 0;
            double sign = 1;
            if (classifier) {
                String label = ((Prediction.Classification) predictions.get(r)).label();
                assertEquals(label, e.explainedClass(), "the predicted class is explained");
                assertEquals(Explanation.MARGIN, e.explained());
                classes.add(label);
                int k = model.forest().classes().indexOf(label);
                margin = binary ? 0 : k;
                sign = binary && k == 0 ? -1 : 1;
            } else {
                assertEquals(Explanation.VALUE, e.explained());
                assertEquals(null, e.explainedClass());
            }
            double scale = Math.max(1, Math.abs(e.output()));
            // (a) local accuracy, and the output is the library's margin (branches as predict takes them)
            assertEquals(e.output(), e.sum(), SAME * scale, "base plus contributions, row " + r);
            double own = sign * library[r][margin];
            assertEquals(own, e.output(), slack * scale, "the library's margin, row " + r);
            if (slack == 0) {
                assertEquals(Double.doubleToLongBits(own), Double.doubleToLongBits(e.output()), "to the bit, row " + r);
            }
            worstLibrary = Math.max(worstLibrary, Math.abs(own - e.output()) / scale);
            // (b) the Shapley values by brute force: of the trees' margin in double, and of the reader's margins
            int m = margin;
            double s = sign;
            double[] byWalk = bruteForce(z -> s * walked(walk, z, m), xr);
            double[] byReader = bruteForce(
                    z -> {
                        double[] out = new double[model.forest().margins()];
                        model.forest().margins(z, out);
                        return s * out[m];
                    },
                    xr);
            List<String> columns = model.signature().featureNames();
            for (int j = 0; j < ShapForests.FEATURES; j++) {
                double got = e.contributions().get(columns.get(j));
                assertEquals(byWalk[j], got, SAME * scale, "feature " + j + " of row " + r);
                assertEquals(byReader[j], got, (slack == 0 ? SAME : 10 * slack) * scale, "feature " + j + ", row " + r);
            }
        }
        assertTrue(explainer.work().contains("its " + model.forest().trees() + " trees"), explainer.work());
        System.out.printf(
                "%s: %d rows explained, outputs within %.3g (relative) of the library's margins%n",
                model.source(), EXPLAINED.length, worstLibrary);
        return new Checked(classes, explainer.modelRowsPerRow());
    }

    /** Margin {@code m} of row {@code z} as the trees' leaves sum in double, without the base. */
    private static double walked(TreeWalk walk, double[] z, int m) {
        double sum = 0;
        for (int t = 0; t < walk.trees(); t++) {
            if (walk.margin(t) != m) {
                continue;
            }
            int node = walk.root(t);
            while (!walk.isLeaf(node)) {
                node = walk.child(node, z[walk.feature(node)]);
            }
            sum += walk.leafValue(node);
        }
        return sum;
    }

    /**
     * The interventional Shapley values of {@code f} at {@code x} over {@link #BACKGROUND}: every coalition S's value
     * the mean of f over the rows taking S's features from x and the others from a background row.
     */
    private static double[] bruteForce(ToDoubleFunction<double[]> f, double[] x) {
        int n = ShapForests.FEATURES;
        double[] value = new double[1 << n];
        for (int s = 0; s < value.length; s++) {
            double sum = 0;
            for (double[] b : BACKGROUND) {
                double[] z = b.clone();
                for (int j = 0; j < n; j++) {
                    if ((s >> j & 1) == 1) {
                        z[j] = x[j];
                    }
                }
                sum += f.applyAsDouble(z);
            }
            value[s] = sum / BACKGROUND.length;
        }
        double[] phi = new double[n];
        for (int j = 0; j < n; j++) {
            for (int s = 0; s < value.length; s++) {
                if ((s >> j & 1) == 0) {
                    int size = Integer.bitCount(s);
                    phi[j] += weight(size, n) * (value[s | 1 << j] - value[s]);
                }
            }
        }
        return phi;
    }

    /** |S|! (n - |S| - 1)! / n! */
    private static double weight(int size, int n) {
        return factorial(size) * factorial(n - size - 1) / factorial(n);
    }

    private static double factorial(int k) {
        double f = 1;
        for (int i = 2; i <= k; i++) {
            f *= i;
        }
        return f;
    }

    /** The sum of each XGBoost tree's depth, as its own text dump indents its leaves. */
    private static long levels(Booster booster) throws Exception {
        return levels(booster, 1);
    }

    /**
     * The depths of the XGBoost trees of one class (tree i is class i mod {@code classes}'s), as its own text dump
     * indents their leaves, summed, for the class whose sum is largest: what one explanation walks.
     */
    private static long levels(Booster booster, int classes) throws Exception {
        long[] levels = new long[classes];
        String[] dump = booster.getModelDump((String) null, false);
        for (int i = 0; i < dump.length; i++) {
            String tree = dump[i];
            int deepest = 0;
            for (String line : tree.split("\n")) {
                if (line.contains("leaf=")) {
                    deepest = Math.max(
                            deepest, line.length() - line.stripLeading().length());
                }
            }
            levels[i % classes] += Math.max(1, deepest);
        }
        return Arrays.stream(levels).max().orElseThrow();
    }

    /**
     * The depths of a LightGBM model's trees of one class (tree i is class i mod {@code classes}'s), from the
     * {@code left_child} and {@code right_child} lines of its text (a negative child is a leaf), summed, for the class
     * whose sum is largest.
     */
    private static long levels(String model, int classes) {
        long[] levels = new long[classes];
        String[] trees = model.substring(0, model.indexOf("end of trees")).split("\nTree=");
        for (int i = 1; i < trees.length; i++) {
            int[] left = children(trees[i], "left_child=");
            int[] right = children(trees[i], "right_child=");
            int deepest = 0;
            java.util.ArrayDeque<int[]> open = new java.util.ArrayDeque<>();
            if (left.length > 0) {
                open.push(new int[] {0, 0});
            }
            while (!open.isEmpty()) {
                int[] at = open.pop();
                for (int child : new int[] {left[at[0]], right[at[0]]}) {
                    if (child < 0) {
                        deepest = Math.max(deepest, at[1] + 1);
                    } else {
                        open.push(new int[] {child, at[1] + 1});
                    }
                }
            }
            levels[(i - 1) % classes] += Math.max(1, deepest);
        }
        return Arrays.stream(levels).max().orElseThrow();
    }

    private static int[] children(String tree, String key) {
        for (String line : tree.split("\n")) {
            if (line.startsWith(key)) {
                return Arrays.stream(line.substring(key.length()).trim().split(" "))
                        .mapToInt(Integer::parseInt)
                        .toArray();
            }
        }
        return new int[0];
    }

    private static double[][] column(double[] margins) {
        double[][] out = new double[margins.length][];
        for (int r = 0; r < margins.length; r++) {
            out[r] = new double[] {margins[r]};
        }
        return out;
    }

    private static NativeModel xgboost(Booster booster) throws Exception {
        TrainedForest forest = XgboostReader.read(booster.toByteArray("json"), "model.json", ForestLimits.DEFAULT);
        return carded(forest, "xgboost " + forest.objective(), null, ValueType.FLOAT);
    }

    private static NativeModel lightgbm(String text) {
        TrainedForest forest = LightgbmReader.read(
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "model.txt", ForestLimits.DEFAULT);
        ForestFeature category = forest.features().get(ShapForests.CATEGORY);
        return carded(
                forest,
                "lightgbm " + forest.objective(),
                category.text() ? category.categories() : null,
                ValueType.DOUBLE);
    }

    private static NativeModel carded(TrainedForest forest, String name, List<String> names, ValueType type) {
        NativeModel plain =
                NativeModel.of(forest, name, "0", ModelCard.builder(name, "").build(), type);
        ModelCard card =
                ModelCard.builder(name, "").background(background(plain, names)).build();
        return NativeModel.of(forest, name, "0", card, type);
    }

    private static Background background(NativeModel model, List<String> names) {
        List<List<Object>> rows = new ArrayList<>();
        for (Object[] row : cells(BACKGROUND, names)) {
            rows.add(Arrays.asList(row));
        }
        return new Background(model.signature().featureNames(), rows, (long) BACKGROUND_SEED, 9);
    }

    /** Rows as cells: a missing value null, the category column's code as its string where it has strings. */
    private static List<Object[]> cells(double[][] rows, List<String> names) {
        List<Object[]> out = new ArrayList<>();
        for (double[] row : rows) {
            Object[] cells = new Object[row.length];
            for (int j = 0; j < row.length; j++) {
                if (Double.isNaN(row[j])) {
                    cells[j] = null;
                } else if (j == ShapForests.CATEGORY && names != null) {
                    int code = (int) row[j];
                    cells[j] = code < names.size() ? names.get(code) : "an unknown kind";
                } else {
                    cells[j] = row[j];
                }
            }
            out.add(cells);
        }
        return out;
    }
}
