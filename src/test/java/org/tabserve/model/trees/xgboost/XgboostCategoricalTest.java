package org.tabserve.model.trees.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;

/**
 * Categorical splits as xgboost4j 3.4.0 trains them (feature types "c", partition and one-hot splits): margins equal
 * Booster.predict's to the bit for codes in the set and out of it, past the largest trained, negative, fractional,
 * past 2^24 and missing; and XGBoost 3.1+'s {@code cats} strings (which xgboost4j cannot make from a float matrix:
 * written here in the structure of XGBoost's own {@code CatContainer::Save}, then loaded and re-saved as JSON and UBJSON
 * by xgboost4j itself) become the feature's categories.
 */
class XgboostCategoricalTest {

    private static final String[] TYPES = {"q", "c", "q", "int", "q"};
    private static final float[] ODD_CODES = {0, 5, 6, 7, 100, -1, -0.5f, 2.5f, 4.99f, 16777216f, 3e9f, Float.NaN};

    @ParameterizedTest
    @CsvSource({"binary:logistic, 64, 0", "reg:squarederror, 64, 0", "multi:softprob, 64, 3", "binary:logistic, 2, 0"})
    void categoricalSplitsAnswerAsBoosterPredict(String objective, int maxCatToOnehot, int classes) throws Exception {
        float[][] x = Xgb4j.rows(11);
        Map<String, Object> params =
                new java.util.HashMap<>(Map.of("objective", objective, "max_cat_to_onehot", maxCatToOnehot));
        if (classes > 0) {
            params.put("num_class", classes);
        }
        Booster trained = Xgb4j.train(x, Xgb4j.labels(x, objective, classes, 5), TYPES, params, 10);
        float[][] rows = withOddCodes(x);
        TrainedForest json = Xgb4j.read(trained, "json");
        TrainedForest ubj = Xgb4j.read(trained, "ubj");
        ForestFeature code = json.features().get(1);
        assertTrue(code.categorical());
        assertFalse(code.text());
        assertTrue(json.features().get(3).integer());
        assertTrue(categoricalSplits(trained.toByteArray("json")) > 0, "the model splits on categories");
        exact(trained, rows, json, ubj);
    }

    @ParameterizedTest
    @CsvSource({"json", "ubj"})
    void catsStringsBecomeTheFeaturesCategories(String format) throws Exception {
        float[][] x = Xgb4j.rows(13);
        Booster trained = Xgb4j.train(
                x, Xgb4j.labels(x, "binary:logistic", 0, 5), TYPES, Map.of("objective", "binary:logistic"), 8);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = (ObjectNode) mapper.readTree(trained.toByteArray("json"));
        ObjectNode model = (ObjectNode) doc.at("/learner/gradient_booster/model");
        List<String> names = List.of("Adélie", "Chinstrap", "Gentoo", "kea", "moa", "tūī");
        model.set("cats", cats(mapper, names));
        Booster withCats = XGBoost.loadModel(mapper.writeValueAsBytes(doc));
        byte[] file = withCats.toByteArray(format);
        TrainedForest forest = XgboostReader.read(file, "model." + format, ForestLimits.DEFAULT);
        assertEquals(names, forest.features().get(1).categories());
        assertTrue(forest.features().get(1).text());
        assertEquals(List.of(), forest.features().get(0).categories());
        exact(withCats, withOddCodes(x), forest, forest);
    }

    /** XGBoost's CatContainer::Save for one string column among numbers: offsets, UTF-8 bytes, segments. */
    private static ObjectNode cats(ObjectMapper mapper, List<String> names) {
        ObjectNode cats = mapper.createObjectNode();
        ArrayNode enc = cats.putArray("enc");
        for (int f = 0; f < Xgb4j.FEATURES; f++) {
            ObjectNode column = enc.addObject();
            ArrayNode offsets = column.putArray("offsets");
            ArrayNode values = column.putArray("values");
            if (f == 1) {
                int at = 0;
                offsets.add(0);
                for (String name : names) {
                    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
                        values.add(b);
                        at++;
                    }
                    offsets.add(at);
                }
            }
        }
        ArrayNode segments = cats.putArray("feature_segments");
        for (int s : new int[] {0, 0, names.size(), names.size(), names.size(), names.size()}) {
            segments.add(s);
        }
        ArrayNode sorted = cats.putArray("sorted_idx");
        for (int i = 0; i < names.size(); i++) {
            sorted.add(i);
        }
        return cats;
    }

    private static float[][] withOddCodes(float[][] x) {
        float[][] rows = new float[x.length + ODD_CODES.length][];
        System.arraycopy(x, 0, rows, 0, x.length);
        for (int i = 0; i < ODD_CODES.length; i++) {
            rows[x.length + i] = x[i].clone();
            rows[x.length + i][1] = ODD_CODES[i];
        }
        return rows;
    }

    /** @return how many categorical splits (split_type 1) the model file holds */
    private static int categoricalSplits(byte[] json) throws Exception {
        int n = 0;
        for (var tree : new ObjectMapper().readTree(json).at("/learner/gradient_booster/model/trees")) {
            n += tree.get("categories_nodes").size();
        }
        return n;
    }

    private static void exact(Booster booster, float[][] rows, TrainedForest... forests) throws Exception {
        DMatrix matrix = Xgb4j.matrix(rows, null);
        float[][] margins = booster.predict(matrix, true);
        for (TrainedForest forest : forests) {
            for (int r = 0; r < rows.length; r++) {
                double[] m = new double[forest.margins()];
                forest.margins(Xgb4j.row(rows[r]), m);
                for (int j = 0; j < m.length; j++) {
                    assertEquals(
                            Float.floatToIntBits(margins[r][j]),
                            Float.floatToIntBits((float) m[j]),
                            "row " + r + " (feature 1 = " + rows[r][1] + ")");
                }
            }
        }
    }
}
