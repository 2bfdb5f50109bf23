package org.tabserve.model.trees.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tabserve.model.signature.Task;
import org.tabserve.model.trees.TrainedForest;

/**
 * Every objective served, trained by xgboost4j 3.4.0 on rows with missing values, read from its JSON and its UBJSON
 * file: every row's margins and answer equal Booster.predict's (outputMargin true and false) to the bit.
 */
class XgboostExactnessTest {

    static int ulpRows;

    @ParameterizedTest
    @CsvSource({
        "binary:logistic, gbtree, 0",
        "binary:logitraw, gbtree, 0",
        "multi:softprob, gbtree, 3",
        "multi:softmax, gbtree, 4",
        "reg:squarederror, gbtree, 0",
        "reg:absoluteerror, gbtree, 0",
        "reg:pseudohubererror, gbtree, 0",
        "reg:logistic, gbtree, 0",
        "count:poisson, gbtree, 0",
        "reg:gamma, gbtree, 0",
        "reg:tweedie, gbtree, 0",
        "binary:logistic, dart, 0",
        "reg:squarederror, dart, 0",
        "multi:softprob, dart, 3",
    })
    void answersAsBoosterPredictToTheBit(String objective, String booster, int classes) throws Exception {
        float[][] x = Xgb4j.rows(objective.hashCode() + booster.hashCode());
        Map<String, Object> params = new HashMap<>();
        params.put("objective", objective);
        params.put("booster", booster);
        if (classes > 0) {
            params.put("num_class", classes);
        }
        if (booster.equals("dart")) {
            params.put("rate_drop", 0.3);
            params.put("skip_drop", 0.0);
        }
        Booster trained = Xgb4j.train(x, Xgb4j.labels(x, objective, classes, 3), null, params, 12);
        DMatrix rows = Xgb4j.matrix(x, null);
        float[][] margins = trained.predict(rows, true);
        float[][] predicted = trained.predict(rows, false);
        float[][] probabilities = predicted;
        if (objective.equals("multi:softmax")) {
            trained.setParam("objective", "multi:softprob");
            probabilities = trained.predict(rows, false);
        }
        TrainedForest json = Xgb4j.read(trained, "json");
        TrainedForest ubj = Xgb4j.read(trained, "ubj");
        assertEquals("XGBoost JSON", json.format());
        assertEquals("XGBoost UBJSON", ubj.format());
        assertEquals("XGBoost 3.4.0", json.writtenBy());
        int k = json.margins();
        assertEquals(classes > 0 ? classes : 1, k);
        int ulps = 0;
        for (TrainedForest forest : new TrainedForest[] {json, ubj}) {
            for (int r = 0; r < x.length; r++) {
                double[] row = Xgb4j.row(x[r]);
                double[] m = new double[k];
                forest.margins(row, m);
                for (int j = 0; j < k; j++) {
                    assertEquals(bits(margins[r][j]), bits((float) m[j]), objective + " margin, row " + r);
                }
                double[] scores = new double[Math.max(k, 2)];
                forest.answer(row, scores);
                float[] expected = expected(forest, probabilities[r]);
                for (int j = 0; j < expected.length; j++) {
                    int diff = Math.abs(bits(expected[j]) - bits((float) scores[j]));
                    assertTrue(diff <= 1, objective + " answer, row " + r + ": " + expected[j] + " vs " + scores[j]);
                    ulps += diff;
                }
                if (objective.equals("multi:softmax")) {
                    assertEquals((int) predicted[r][0], argmax(scores, k), "softmax's class, row " + r);
                }
            }
        }
        ulpRows += ulps;
        System.out.println(objective + "/" + booster + ": " + x.length
                + " rows in JSON and UBJSON, answer values 1 ulp apart: " + ulps);
        assertEquals(
                objective.startsWith("binary:logistic") || objective.startsWith("multi:")
                        ? Task.CLASSIFICATION
                        : Task.REGRESSION,
                json.task());
    }

    /** What XGBoost answers for a row, as the forest hands it: sklearn's [1 - p, p] for a binary classifier. */
    private static float[] expected(TrainedForest forest, float[] predicted) {
        if (forest.task() == Task.CLASSIFICATION && forest.margins() == 1) {
            return new float[] {1.0f - predicted[0], predicted[0]};
        }
        return predicted;
    }

    private static int argmax(double[] scores, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (scores[j] > scores[best]) {
                best = j;
            }
        }
        return best;
    }

    static int bits(float f) {
        return Float.floatToIntBits(f);
    }
}
