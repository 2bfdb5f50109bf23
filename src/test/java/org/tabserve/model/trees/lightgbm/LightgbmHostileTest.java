package org.tabserve.model.trees.lightgbm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.testing.ForestTraining;

/**
 * Hostile LightGBM files, each made from a real model with one lie: refused with a {@link ForestFormatException} whose
 * words name the field, never another exception, an OOM or a hang.
 */
class LightgbmHostileTest {

    private static String model;
    private static String categorical;

    @BeforeAll
    static void train() throws Exception {
        double[] x = LightgbmFixtures.data(31, 200, 3, 0.1, 0.1);
        float[] y = new float[200];
        for (int r = 0; r < 200; r++) {
            y[r] = (float) LightgbmFixtures.signal(x, r, 3);
        }
        model = ForestTraining.lightgbmTrain(
                x, 200, 3, y, "max_bin=31", "objective=regression num_leaves=8 min_data_in_leaf=5", 4);
        double[] c = x.clone();
        for (int r = 0; r < 200; r++) {
            c[r * 3 + 1] = r % 9;
            y[r] = (float) (r % 9 == 2 || r % 9 == 5 ? 3 + x[r * 3] : x[r * 3]);
        }
        categorical = ForestTraining.lightgbmTrain(
                c,
                200,
                3,
                y,
                "max_bin=31 categorical_feature=1",
                "objective=regression num_leaves=8 min_data_in_leaf=5 min_data_per_group=5 max_cat_to_onehot=2",
                4);
    }

    private static void read(String text, ForestLimits limits) {
        LightgbmReader.read(text.getBytes(StandardCharsets.UTF_8), "hostile.txt", limits);
    }

    private static void refused(String text, String... words) {
        refused(text, ForestLimits.DEFAULT, words);
    }

    private static void refused(String text, ForestLimits limits, String... words) {
        ForestFormatException e = assertThrows(ForestFormatException.class, () -> read(text, limits));
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), e.getMessage() + " should name " + word);
        }
    }

    /** @return {@code text} with value {@code index} of tree 0's field {@code field} replaced by {@code value} */
    private static String replace(String text, String field, int index, String value) {
        int at = text.indexOf("\n" + field + "=") + field.length() + 2;
        int end = text.indexOf('\n', at);
        String[] values = text.substring(at, end).split(" ", -1);
        values[index] = value;
        return text.substring(0, at) + String.join(" ", values) + text.substring(end);
    }

    @Test
    void theRealModelsAreRead() {
        read(model, ForestLimits.DEFAULT);
        read(categorical, ForestLimits.DEFAULT);
    }

    @Test
    void lyingNumLeavesIsRefused() {
        int leaves = Integer.parseInt(
                model.substring(model.indexOf("num_leaves=") + 11, model.indexOf('\n', model.indexOf("num_leaves="))));
        refused(model.replaceFirst("num_leaves=" + leaves, "num_leaves=" + (leaves + 1)), "num_leaves", "fewer");
        refused(model.replaceFirst("num_leaves=" + leaves, "num_leaves=" + (leaves - 1)), "num_leaves", "more");
        refused(model.replaceFirst("num_leaves=" + leaves, "num_leaves=2000000000"), "num_leaves", "limit");
        refused(model.replaceFirst("num_cat=0", "num_cat=1"), "cat_boundaries");
    }

    @Test
    void childCyclesAndChildrenOutOfRangeAreRefused() {
        refused(replace(model, "left_child", 1, "0"), "left_child", "twice");
        refused(replace(model, "right_child", 0, "0"), "right_child", "twice");
        refused(replace(model, "left_child", 0, "99"), "left_child", "out of range");
        refused(replace(model, "left_child", 0, "-99"), "left_child", "out of range");
        refused(replace(model, "left_child", 0, "2147483648"), "left_child", "range");
    }

    @Test
    void nanAndMalformedNumbersAreRefused() {
        refused(replace(model, "threshold", 0, "nan"), "threshold");
        refused(replace(model, "threshold", 0, "0x1p3"), "threshold");
        refused(replace(model, "leaf_value", 0, "inf"), "leaf_value");
        refused(replace(model, "leaf_value", 0, "1e999"), "leaf_value");
        refused(replace(model, "split_feature", 0, "3"), "split_feature");
        refused(replace(model, "decision_type", 0, "13"), "decision_type");
        refused(replace(model, "decision_type", 0, "1"), "decision_type", "num_cat");
        refused(model.replace("max_feature_idx=2", "max_feature_idx=two"), "max_feature_idx");
    }

    @Test
    void aDeepTreeManyTreesAndManyNodesArePastTheirLimits() {
        ForestLimits d = ForestLimits.DEFAULT;
        refused(
                model,
                new ForestLimits(d.maxBytes(), 64, d.maxTrees(), d.maxNodes(), 1, 65_536, 100),
                "deeper",
                "1 levels");
        refused(model, new ForestLimits(d.maxBytes(), 64, 2, d.maxNodes(), 512, 65_536, 100), "trees", "limit of 2");
        refused(model, new ForestLimits(d.maxBytes(), 64, d.maxTrees(), 20, 512, 65_536, 100), "nodes");
        refused(
                model,
                new ForestLimits(d.maxBytes(), 64, d.maxTrees(), d.maxNodes(), 512, 65_536, 2),
                "max_feature_idx");
        refused(
                model,
                new ForestLimits(1000, 64, d.maxTrees(), d.maxNodes(), 512, 65_536, 100),
                "larger than",
                "1000 bytes");
    }

    @Test
    void tooManyCategoriesAreRefused() {
        String bounds = categorical.substring(categorical.indexOf("cat_boundaries="));
        bounds = bounds.substring(0, bounds.indexOf('\n'));
        String[] b = bounds.substring("cat_boundaries=".length()).split(" ");
        b[b.length - 1] = "5000";
        refused(
                categorical.replaceFirst(bounds, "cat_boundaries=" + String.join(" ", b)),
                "cat_threshold",
                "categories");
        ForestLimits d = ForestLimits.DEFAULT;
        StringBuilder many = new StringBuilder("\npandas_categorical:[[");
        for (int i = 0; i < 40; i++) {
            many.append(i == 0 ? "" : ", ").append('"').append("c").append(i).append('"');
        }
        refused(
                categorical + many + "]]\n",
                new ForestLimits(d.maxBytes(), 64, d.maxTrees(), d.maxNodes(), 512, 32, 100),
                "pandas_categorical",
                "limit of 32");
        refused(replace(categorical, "threshold", indexOfCategorical(), "7"), "threshold", "num_cat");
    }

    private static int indexOfCategorical() {
        String types = categorical.substring(categorical.indexOf("decision_type=") + 14);
        String[] t = types.substring(0, types.indexOf('\n')).split(" ");
        for (int i = 0; i < t.length; i++) {
            if ((Integer.parseInt(t[i]) & 1) != 0) {
                return i;
            }
        }
        throw new IllegalStateException("the first tree has no categorical split");
    }

    @Test
    void aHugeLineIsRefusedBeforeItIsRead() {
        String huge = "tree\nversion=v4\nfeature_names=" + "a".repeat(ModelLines.MAX_LINE + 10) + "\n";
        refused(huge, "line 3", "longer than 8 MiB");
    }

    @Test
    void aTruncatedFileIsRefusedAtEveryCut() {
        int refusals = 0;
        for (int cut = 1; cut < model.indexOf("end of trees") + 5; cut += 37) {
            String part = model.substring(0, cut);
            assertThrows(ForestFormatException.class, () -> read(part, ForestLimits.DEFAULT), "cut at " + cut);
            refusals++;
        }
        assertTrue(refusals > 20);
        refused(model.substring(0, model.indexOf("Tree=2")), "truncated");
        refused(model.replace("end of trees", "end of tress"), "neither a tree nor");
    }

    @Test
    void lyingTreeSizesAreRefused() {
        String sizes = model.substring(model.indexOf("tree_sizes="), model.indexOf('\n', model.indexOf("tree_sizes=")));
        refused(model.replace(sizes, sizes + " 100"), "tree_sizes");
        refused(model.replace(sizes, sizes.replaceFirst("=(\\d+)", "=1$1")), "tree_sizes");
    }

    @Test
    void unservableObjectivesAreRefusedInWords() {
        refused(model.replace("objective=regression", "objective=lambdarank"), "ranking");
        refused(model.replace("objective=regression", "objective=rank_xendcg"), "ranking");
        refused(model.replace("objective=regression", "objective=cross_entropy_lambda"), "cross_entropy_lambda");
        refused(model.replace("objective=regression", "objective=regression sqrt"), "sqrt");
        refused(model.replace("objective=regression", "objective=frobnicate"), "objective");
        refused(model.replace("objective=regression\n", ""), "custom objective");
        refused(model.replace("objective=regression", "objective=binary sigmoid:-1"), "sigmoid");
        refused(model.replace("objective=regression", "objective=multiclass num_class:3"), "num_class");
    }

    @Test
    void randomByteDamageIsRefusedOrRead() {
        Random random = new Random(5);
        int refused = 0;
        for (int i = 0; i < 600; i++) {
            byte[] damaged = (i % 2 == 0 ? model : categorical).getBytes(StandardCharsets.UTF_8);
            for (int k = 0; k < 3; k++) {
                damaged[random.nextInt(damaged.length)] = (byte) " 0123456789-=.\nenai".charAt(random.nextInt(19));
            }
            try {
                LightgbmReader.read(damaged, "damaged.txt", ForestLimits.DEFAULT)
                        .answer(new double[3], new double[1]);
            } catch (ForestFormatException e) {
                refused++;
            }
        }
        assertTrue(refused > 150, "most damage is refused: " + refused);
    }
}
