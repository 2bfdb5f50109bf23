package org.tabserve.model.trees.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tabserve.model.signature.Task;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.model.trees.TreeWalk;

/**
 * What an XGBoost file says besides its trees (feature names and types, attributes, version, objective words), every
 * stored form of base_score as XGBoost turns it into the base margin, and the TreeWalk's leaves and children as
 * predict's own (xgboost4j's predictLeaf, and margins rebuilt from the walk to the bit).
 */
class XgboostFileFactsTest {

    @Test
    void namesTypesAttributesAndVersionComeFromTheFile() throws Exception {
        float[][] x = Xgb4j.rows(21);
        DMatrix train = Xgb4j.matrix(x, new String[] {"float", "c", "q", "int", "i"});
        train.setFeatureNames(new String[] {"bill", "island", "flipper", "year", "count"});
        train.setLabel(Xgb4j.labels(x, "binary:logitraw", 0, 1));
        Booster booster = XGBoost.train(
                train,
                Map.of("objective", "binary:logitraw", "max_depth", 2, "seed", 1),
                5,
                new HashMap<>(),
                null,
                null);
        booster.setAttr("best_iteration", "3");
        booster.setAttr("best_score", "0.25");
        for (String format : List.of("json", "ubj")) {
            TrainedForest forest = Xgb4j.read(booster, format);
            assertEquals(
                    List.of(
                            ForestFeature.number("bill"),
                            new ForestFeature("island", true, List.of(), false),
                            ForestFeature.number("flipper"),
                            new ForestFeature("year", false, List.of(), true),
                            new ForestFeature("count", false, List.of(), true)),
                    forest.features());
            assertEquals("XGBoost 3.4.0", forest.writtenBy());
            assertEquals(Task.REGRESSION, forest.task());
            assertTrue(forest.objective().contains("binary:logitraw")
                    && forest.objective().contains("regression"));
            assertEquals(
                    Map.of(
                            "booster",
                            "gbtree",
                            "num_trees",
                            "5",
                            "objective",
                            "binary:logitraw",
                            "best_iteration",
                            "3",
                            "best_score",
                            "0.25"),
                    forest.facts());
            assertEquals(5, forest.trees());
        }
        TrainedForest unnamed = Xgb4j.read(
                Xgb4j.train(
                        x, Xgb4j.labels(x, "reg:squarederror", 0, 1), null, Map.of("objective", "reg:squarederror"), 2),
                "json");
        assertEquals(
                List.of("f0", "f1", "f2", "f3", "f4"),
                unnamed.features().stream().map(ForestFeature::name).toList());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "binary:logistic; 0; 5E-1",
                "binary:logistic; 0; [3.5E-1]",
                "binary:logistic; 0; 0.9999999",
                "reg:gamma; 0; [2.5E0]",
                "count:poisson; 0; 7E-1",
                "reg:tweedie; 0; [1.3E0]",
                "reg:logistic; 0; [2E-1]",
                "multi:softprob; 3; [1E-1,5E-1,2E0]",
                "multi:softprob; 3; [4E-1]",
                "reg:squarederror; 0; (3.25E0)"
            })
    void everyBaseScoreFormBecomesXgboostsBaseMargin(String objective, int classes, String baseScore) throws Exception {
        float[][] x = Xgb4j.rows(31);
        Map<String, Object> params = new HashMap<>(Map.of("objective", objective));
        if (classes > 0) {
            params.put("num_class", classes);
        }
        Booster trained = Xgb4j.train(x, Xgb4j.labels(x, objective, classes, 2), null, params, 4);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = (ObjectNode) mapper.readTree(trained.toByteArray("json"));
        ((ObjectNode) doc.at("/learner/learner_model_param")).put("base_score", baseScore);
        byte[] edited = mapper.writeValueAsBytes(doc);
        Booster loaded = XGBoost.loadModel(edited);
        float[][] margins = loaded.predict(Xgb4j.matrix(x, null), true);
        for (byte[] file : List.of(edited, loaded.toByteArray("ubj"))) {
            TrainedForest forest = XgboostReader.read(file, "edited", ForestLimits.DEFAULT);
            for (int r = 0; r < x.length; r++) {
                double[] m = new double[forest.margins()];
                forest.margins(Xgb4j.row(x[r]), m);
                for (int j = 0; j < m.length; j++) {
                    assertEquals(Float.floatToIntBits(margins[r][j]), Float.floatToIntBits((float) m[j]), "row " + r);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"gbtree, binary:logistic, 0", "dart, reg:squarederror, 0", "dart, multi:softprob, 3"})
    void treeWalkReachesPredictsLeavesAndRebuildsItsMargins(String booster, String objective, int classes)
            throws Exception {
        float[][] x = Xgb4j.rows(41);
        Map<String, Object> params = new HashMap<>(
                Map.of("objective", objective, "booster", booster, "rate_drop", 0.4, "max_cat_to_onehot", 1));
        if (classes > 0) {
            params.put("num_class", classes);
        }
        String[] types = {"q", "c", "q", "q", "q"};
        Booster trained = Xgb4j.train(x, Xgb4j.labels(x, objective, classes, 2), types, params, 8);
        DMatrix rows = Xgb4j.matrix(x, null);
        float[][] leaves = trained.predictLeaf(rows, 0);
        float[][] margins = trained.predict(rows, true);
        XgboostForest forest = (XgboostForest) Xgb4j.read(trained, "ubj");
        TreeWalk walk = forest.walk().orElseThrow();
        for (int r = 0; r < x.length; r++) {
            float[] sum = forest.base();
            for (int t = 0; t < walk.trees(); t++) {
                int node = walk.root(t);
                while (!walk.isLeaf(node)) {
                    node = walk.child(node, x[r][walk.feature(node)]);
                }
                assertEquals((int) leaves[r][t], node - walk.root(t), "row " + r + ", tree " + t);
                sum[walk.margin(t)] += (float) walk.leafValue(node);
            }
            for (int j = 0; j < sum.length; j++) {
                assertEquals(Float.floatToIntBits(margins[r][j]), Float.floatToIntBits(sum[j]), "row " + r);
            }
        }
    }

    @Test
    void theFormatIsToldByContentNotByName() throws Exception {
        float[][] x = Xgb4j.rows(61);
        Booster trained = Xgb4j.train(
                x, Xgb4j.labels(x, "reg:squarederror", 0, 1), null, Map.of("objective", "reg:squarederror"), 2);
        assertEquals(
                "XGBoost UBJSON",
                XgboostReader.read(trained.toByteArray("ubj"), "model.json", ForestLimits.DEFAULT)
                        .format());
        assertEquals(
                "XGBoost JSON",
                XgboostReader.read(trained.toByteArray("json"), "model.ubj", ForestLimits.DEFAULT)
                        .format());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "reg:squarederror; gamma; 3",
                "reg:quantileerror; quantile_alpha; 0.7",
                "reg:squarederror; num_parallel_tree; 3"
            })
    void prunedTreesOneQuantileAndForestsAnswerAsBoosterPredict(String objective, String param, String value)
            throws Exception {
        float[][] x = Xgb4j.rows(71);
        Map<String, Object> params = new HashMap<>(Map.of("objective", objective, "max_depth", 6, param, value));
        if (param.equals("gamma")) {
            params.put("tree_method", "exact"); // grow then prune: pruned nodes stay in the file, deleted
        }
        Booster trained = Xgb4j.train(x, Xgb4j.labels(x, objective, 0, 2), null, params, 6);
        float[][] margins = trained.predict(Xgb4j.matrix(x, null), true);
        float[][] answers = trained.predict(Xgb4j.matrix(x, null), false);
        for (String format : List.of("json", "ubj")) {
            TrainedForest forest = Xgb4j.read(trained, format);
            for (int r = 0; r < x.length; r++) {
                double[] m = new double[1];
                forest.margins(Xgb4j.row(x[r]), m);
                assertEquals(Float.floatToIntBits(margins[r][0]), Float.floatToIntBits((float) m[0]), "row " + r);
                forest.answer(Xgb4j.row(x[r]), m);
                assertEquals(Float.floatToIntBits(answers[r][0]), Float.floatToIntBits((float) m[0]), "row " + r);
            }
        }
        if (param.equals("gamma")) {
            assertTrue(
                    new String(trained.toByteArray("json"), java.nio.charset.StandardCharsets.UTF_8)
                            .matches("(?s).*\"num_deleted\":\"[1-9].*"),
                    "gamma pruned some nodes");
        }
    }
}
