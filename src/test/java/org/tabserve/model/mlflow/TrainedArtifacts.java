package org.tabserve.model.mlflow;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/** Model files trained by the real libraries (xgboost4j 3.4.0, lightgbm4j 4.1.0-1), as MLflow's flavors save them. */
final class TrainedArtifacts {

    private static final float[] X = {1, 2, 3, 4, 5, 6, 7, 8, 2, 1, 4, 3, 6, 5, 8, 7};
    private static final float[] Y = {0, 1, 0, 1, 1, 0, 1, 0};

    private TrainedArtifacts() {}

    /**
     * Saves a two-tree XGBoost booster as {@code Booster.save_model(path)} does, which picks the format by the name's
     * extension: {@code .json} JSON, anything else ({@code .xgb}, {@code .ubj}) UBJSON in XGBoost 2.1 and later.
     */
    static Path xgboost(Path file) throws Exception {
        DMatrix data = new DMatrix(X, 8, 2, Float.NaN);
        data.setLabel(Y);
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 2);
        params.put("nthread", 1);
        Booster booster = XGBoost.train(data, params, 2, new HashMap<>(), null, null);
        booster.saveModel(file.toString());
        booster.dispose();
        data.dispose();
        return file;
    }

    /** Saves a two-tree LightGBM booster's text model, as {@code mlflow.lightgbm} saves a {@code lightgbm.Booster}. */
    static Path lightgbm(Path file) throws Exception {
        LGBMDataset data = LGBMDataset.createFromMat(X, 8, 2, true, "min_data_in_leaf=1 min_data_in_bin=1", null);
        data.setField("label", Y);
        LGBMBooster booster = LGBMBooster.create(
                data, "objective=binary num_leaves=3 min_data_in_leaf=1 verbosity=-1 num_threads=1 deterministic=true");
        booster.updateOneIter();
        booster.updateOneIter();
        Files.writeString(file, booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT));
        booster.close();
        data.close();
        return file;
    }

    /** Copies a real ONNX model of the project's fixtures (an XGBoost classifier converted by onnxmltools). */
    static Path onnx(Path file) throws Exception {
        Files.copy(Path.of("src/test/resources/org/tabserve/fixtures/trees/xgb-sex.onnx"), file);
        return file;
    }
}
