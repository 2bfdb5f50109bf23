package org.tabserve.testing;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Small XGBoost and LightGBM models trained here by the real libraries (xgboost4j 3.4.0, lightgbm4j 4.1), their
 * features named, written as their libraries write them, with labelled CSVs of their features (one to make the card
 * from, one held out to calibrate on): what the tests of a native model's card share.
 */
public final class NativeForests {

    /** The features' names, in the models' order. */
    public static final List<String> FEATURES = List.of("width", "height", "depth", "weight");

    public static final String LABEL = "label";

    /**
     * A model file and its labelled CSVs.
     *
     * @param model       the model as its library wrote it
     * @param data        labelled rows it was trained on
     * @param calibration labelled rows it was not trained on
     */
    public record Trained(Path model, Path data, Path calibration) {}

    private NativeForests() {}

    /** An XGBoost binary classifier ({@code binary:logistic}, classes 0 and 1) as {@code dir/model.json}. */
    public static Trained xgboostClassifier(Path dir) throws Exception {
        double[][] x = rows(300, 11);
        float[] y = new float[x.length];
        for (int r = 0; r < x.length; r++) {
            y[r] = classOf(x[r]);
        }
        DMatrix train = new DMatrix(flat(x), x.length, FEATURES.size(), Float.NaN);
        train.setFeatureNames(FEATURES.toArray(String[]::new));
        train.setLabel(y);
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 3);
        params.put("eta", 0.3);
        params.put("seed", 7);
        params.put("nthread", 1);
        params.put("tree_method", "hist");
        Booster booster = XGBoost.train(train, params, 12, new HashMap<>(), null, null);
        Path model = dir.resolve("model.json");
        Files.write(model, booster.toByteArray("json"));
        booster.dispose();
        train.dispose();
        return new Trained(
                model,
                csv(dir.resolve("train.csv"), x, r -> Integer.toString(classOf(r))),
                csv(dir.resolve("calibration.csv"), rows(200, 12), r -> Integer.toString(classOf(r))));
    }

    /** A LightGBM regressor ({@code regression}) as {@code dir/model.txt}. */
    public static Trained lightgbmRegressor(Path dir) throws Exception {
        double[][] x = rows(300, 21);
        float[] y = new float[x.length];
        for (int r = 0; r < x.length; r++) {
            y[r] = (float) valueOf(x[r]);
        }
        String text;
        String quiet = "verbose=-1 num_threads=1 deterministic=true seed=7 ";
        try (LGBMDataset dataset = LGBMDataset.createFromMat(
                rowMajor(x), x.length, FEATURES.size(), true, quiet + "min_data_in_bin=1", null)) {
            dataset.setFeatureNames(FEATURES.toArray(String[]::new));
            dataset.setField("label", y);
            try (LGBMBooster booster = LGBMBooster.create(
                    dataset, quiet + "objective=regression num_leaves=7 min_data_in_leaf=5 learning_rate=0.3")) {
                for (int i = 0; i < 15; i++) {
                    booster.updateOneIter();
                }
                text = booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
            }
        }
        Path model = dir.resolve("model.txt");
        Files.writeString(model, text, StandardCharsets.UTF_8);
        java.util.function.Function<double[], String> value = r -> String.format(Locale.ROOT, "%.4f", valueOf(r));
        return new Trained(
                model,
                csv(dir.resolve("train.csv"), x, value),
                csv(dir.resolve("calibration.csv"), rows(200, 22), value));
    }

    /** An MLflow directory of the ONNX flavor (mlflow.onnx.save_model's MLmodel, no signature) of a fixture's model. */
    public static Path onnxMlflowDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(Path.of("src/test/resources/org/tabserve/fixtures/trees/xgb-sex.onnx"), dir.resolve("model.onnx"));
        Files.writeString(dir.resolve("MLmodel"), """
                flavors:
                  onnx:
                    code: null
                    data: model.onnx
                    onnx_version: 1.16.1
                  python_function:
                    data: model.onnx
                    loader_module: mlflow.onnx
                    python_version: 3.10.12
                mlflow_version: 2.16.2
                model_uuid: 7f3c2a9d1e4b4c6a8b2d0e1f3a5c7e9b
                """);
        return dir;
    }

    /** One JSON object of a row's features, for a request: the first training row of seed 11. */
    public static String row() {
        double[] r = rows(1, 11)[0];
        StringBuilder json = new StringBuilder("{");
        for (int f = 0; f < FEATURES.size(); f++) {
            json.append(f == 0 ? "" : ", ")
                    .append('"')
                    .append(FEATURES.get(f))
                    .append("\": ")
                    .append(r[f]);
        }
        return json.append('}').toString();
    }

    private static int classOf(double[] r) {
        return r[0] + 0.5 * r[1] - r[2] * 0.3 > 0.2 ? 1 : 0;
    }

    private static double valueOf(double[] r) {
        return 2 * r[0] - r[1] + 0.5 * r[2] * r[3];
    }

    /** Seeded rows of numbers with four decimals, which a CSV holds exactly as written. */
    private static double[][] rows(int n, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][FEATURES.size()];
        for (double[] row : x) {
            for (int f = 0; f < row.length; f++) {
                row[f] = Math.round(random.nextGaussian() * 10_000) / 10_000.0;
            }
        }
        return x;
    }

    private static float[] flat(double[][] x) {
        float[] out = new float[x.length * FEATURES.size()];
        for (int r = 0; r < x.length; r++) {
            for (int f = 0; f < FEATURES.size(); f++) {
                out[r * FEATURES.size() + f] = (float) x[r][f];
            }
        }
        return out;
    }

    private static double[] rowMajor(double[][] x) {
        double[] out = new double[x.length * FEATURES.size()];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(x[r], 0, out, r * FEATURES.size(), FEATURES.size());
        }
        return out;
    }

    private static Path csv(Path file, double[][] x, java.util.function.Function<double[], String> label)
            throws IOException {
        StringBuilder text = new StringBuilder(String.join(",", FEATURES))
                .append(',')
                .append(LABEL)
                .append('\n');
        for (double[] r : x) {
            for (double v : r) {
                text.append(v).append(',');
            }
            text.append(label.apply(r)).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
