package org.tabserve.model.trees.lightgbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMBooster.FeatureImportanceType;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.model.trees.TreeWalk;
import org.tabserve.testing.ForestTraining;

/**
 * What a LightGBM file says besides its trees: feature names, facts, the format version, single-leaf trees, and a
 * multiclass walk's margins.
 */
class LightgbmFileFactsTest {

    private static TrainedForest read(String model) {
        return LightgbmReader.read(model.getBytes(StandardCharsets.UTF_8), "model.txt", ForestLimits.DEFAULT);
    }

    @Test
    void featureNamesFactsAndVersionAreTheFiles() throws Exception {
        double[] x = LightgbmFixtures.data(41, 200, 3, 0.1, 0.1);
        float[] y = new float[200];
        for (int r = 0; r < 200; r++) {
            y[r] = LightgbmFixtures.signal(x, r, 3) > 0 ? 1 : 0;
        }
        LGBMDataset dataset = LGBMDataset.createFromMat(x, 200, 3, true, LightgbmFixtures.QUIET + "max_bin=31", null);
        dataset.setField("label", y);
        dataset.setFeatureNames(new String[] {"age", "income", "score"});
        LGBMBooster booster =
                LGBMBooster.create(dataset, LightgbmFixtures.QUIET + "objective=binary learning_rate=0.2");
        for (int i = 0; i < 5; i++) {
            booster.updateOneIter();
        }
        String model = booster.saveModelToString(0, 0, FeatureImportanceType.SPLIT);
        booster.close();
        dataset.close();
        TrainedForest forest = read(model);
        assertEquals(
                List.of("age", "income", "score"),
                forest.features().stream().map(f -> f.name()).toList());
        assertEquals("LightGBM text", forest.format());
        assertEquals("v4", forest.facts().get("version"));
        assertEquals("binary sigmoid:1", forest.facts().get("objective"));
        assertEquals("1", forest.facts().get("num_class"));
        assertEquals("5", forest.facts().get("iterations"));
        assertEquals("gbdt", forest.facts().get("boosting"));
        assertEquals("0.2", forest.facts().get("learning_rate"));
        assertEquals(
                "LightGBM v3", read(model.replace("version=v4", "version=v3")).writtenBy());
        assertThrows(IllegalArgumentException.class, () -> forest.answer(new double[2], new double[2]));
    }

    @Test
    void singleLeafTreesAnswerTheirLeaf() throws Exception {
        double[] x = LightgbmFixtures.data(43, 100, 3, 0.1, 0.1);
        float[] y = new float[100];
        for (int r = 0; r < 100; r++) {
            y[r] = (float) LightgbmFixtures.signal(x, r, 3);
        }
        // no leaf can hold 1000 of 100 rows: every tree is one leaf, its value the average LightGBM boosts from
        String model = ForestTraining.lightgbmTrain(
                x, 100, 3, y, "max_bin=31", "objective=regression min_data_in_leaf=1000", 3);
        assertTrue(model.contains("num_leaves=1\n"), "LightGBM wrote a single-leaf tree");
        double[] probe = LightgbmFixtures.probe(model, 3, 5, 50);
        Agreement agreement = Agreement.of(model, probe, 3);
        assertEquals(0, agreement.marginsDiffer(), agreement.toString());
        assertEquals(0, agreement.answersDiffer(), agreement.toString());
        TreeWalk walk = read(model).walk().orElseThrow();
        assertTrue(walk.isLeaf(walk.root(0)));
    }

    @Test
    void aMulticlassWalkAddsEachTreeToItsClass() throws Exception {
        double[] x = LightgbmFixtures.data(44, 240, 3, 0.1, 0.1);
        float[] y = new float[240];
        for (int r = 0; r < 240; r++) {
            y[r] = Math.floorMod((int) Math.floor(LightgbmFixtures.signal(x, r, 3)), 3);
        }
        String model = ForestTraining.lightgbmTrain(
                x, 240, 3, y, "max_bin=31", "objective=multiclass num_class=3 num_leaves=6 min_data_in_leaf=5", 4);
        TrainedForest forest = read(model);
        TreeWalk walk = forest.walk().orElseThrow();
        double[] probe = LightgbmFixtures.probe(model, 3, 6, 40);
        double[] margins = new double[3];
        for (int r = 0; r < probe.length / 3; r++) {
            double[] row = java.util.Arrays.copyOfRange(probe, r * 3, r * 3 + 3);
            forest.margins(row, margins);
            double[] sums = new double[3];
            for (int t = 0; t < walk.trees(); t++) {
                int node = walk.root(t);
                while (!walk.isLeaf(node)) {
                    node = walk.child(node, row[walk.feature(node)]);
                }
                sums[walk.margin(t)] += walk.leafValue(node);
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(Double.doubleToLongBits(margins[k]), Double.doubleToLongBits(sums[k]), "row " + r);
            }
        }
    }
}
