package org.tabserve.testing;

import static com.microsoft.ml.lightgbm.lightgbmlib.*;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Trains the served-model fixtures with the training libraries themselves, on the project's data: XGBoost 3.4.0
 * (xgboost4j) on the bank notes, LightGBM 4.1 (lightgbm4j) on the penguins with island and sex as categories, the
 * strings LightGBM's Python package would store ({@code pandas_categorical}); and predicts with them, for answers
 * served models must give to the bit.
 */
public final class ForestTraining {

    /** The bank notes' features, in the data's order. */
    public static final List<String> NOTE_FEATURES = List.of("variance", "skewness", "curtosis", "entropy");

    /** The penguins' features as the LightGBM fixture takes them; island and sex are categories. */
    public static final List<String> PENGUIN_FEATURES =
            List.of("island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex");

    /** The categories of island and sex in pandas' order (sorted), their codes' order. */
    public static final List<String> ISLANDS = List.of("Biscoe", "Dream", "Torgersen");

    public static final List<String> SEXES = List.of("FEMALE", "MALE");

    /** The species, LightGBM's classes 0, 1, 2. */
    public static final List<String> SPECIES = List.of("Adelie", "Chinstrap", "Gentoo");

    private ForestTraining() {}

    /** @return the bank notes' rows, each its four features */
    public static float[][] noteRows() {
        List<String[]> lines = csv(Path.of("data/BankNote_Authentication.csv"));
        float[][] rows = new float[lines.size()][4];
        for (int r = 0; r < rows.length; r++) {
            for (int f = 0; f < 4; f++) {
                rows[r][f] = Float.parseFloat(lines.get(r)[f]);
            }
        }
        return rows;
    }

    /** @return an XGBoost binary:logistic booster trained on the bank notes, its features named */
    public static Booster xgboostNotes(int rounds) throws Exception {
        List<String[]> lines = csv(Path.of("data/BankNote_Authentication.csv"));
        float[][] x = noteRows();
        float[] y = new float[x.length];
        for (int r = 0; r < y.length; r++) {
            y[r] = Float.parseFloat(lines.get(r)[4]);
        }
        DMatrix train = matrix(x);
        train.setLabel(y);
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 3);
        params.put("eta", 0.3);
        params.put("seed", 7);
        params.put("nthread", 1);
        params.put("tree_method", "hist");
        return XGBoost.train(train, params, rounds, new HashMap<>(), null, null);
    }

    /** @return XGBoost's own probabilities of class 1 for the rows (NaN for a missing value) */
    public static float[] xgboostPredict(Booster booster, float[][] rows) throws Exception {
        float[][] out = booster.predict(matrix(rows));
        float[] p = new float[out.length];
        for (int r = 0; r < p.length; r++) {
            p[r] = out[r][0];
        }
        return p;
    }

    private static DMatrix matrix(float[][] x) throws Exception {
        int width = x.length == 0 ? NOTE_FEATURES.size() : x[0].length;
        float[] flat = new float[x.length * width];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(x[r], 0, flat, r * width, width);
        }
        DMatrix m = new DMatrix(flat, x.length, width, Float.NaN);
        m.setFeatureNames(NOTE_FEATURES.toArray(String[]::new));
        return m;
    }

    /**
     * The penguins as the LightGBM fixture takes them: one row of {@link #PENGUIN_FEATURES} per penguin, island and
     * sex as their codes in {@link #ISLANDS} and {@link #SEXES}, a missing value NaN; and the species' codes.
     */
    public record Penguins(double[][] rows, float[] species) {

        /** @return the rows row-major, as LightGBM takes a matrix */
        public double[] flat() {
            int width = PENGUIN_FEATURES.size();
            double[] flat = new double[rows.length * width];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, flat, r * width, width);
            }
            return flat;
        }

        /** @return row {@code r}'s cells as a caller sends them: the categories as text, a missing value null */
        public Object[] cells(int r) {
            Object[] cells = new Object[PENGUIN_FEATURES.size()];
            for (int f = 0; f < cells.length; f++) {
                double v = rows[r][f];
                cells[f] = Double.isNaN(v)
                        ? null
                        : f == 0 ? ISLANDS.get((int) v) : f == 5 ? SEXES.get((int) v) : (Object) v;
            }
            return cells;
        }
    }

    /** @return the penguins of data/penguins.csv */
    public static Penguins penguins() {
        List<String[]> lines = csv(Path.of("data/penguins.csv"));
        double[][] rows = new double[lines.size()][];
        float[] species = new float[lines.size()];
        for (int r = 0; r < rows.length; r++) {
            String[] cells = lines.get(r);
            species[r] = SPECIES.indexOf(cells[0]);
            rows[r] = new double[] {
                ISLANDS.indexOf(cells[1]),
                number(cells, 2),
                number(cells, 3),
                number(cells, 4),
                number(cells, 5),
                cells.length > 6 && !cells[6].isEmpty() ? SEXES.indexOf(cells[6]) : Double.NaN
            };
        }
        return new Penguins(rows, species);
    }

    private static double number(String[] cells, int at) {
        return cells.length > at && !cells[at].isEmpty() ? Double.parseDouble(cells[at]) : Double.NaN;
    }

    /** LightGBM's parameters for small deterministic fixtures: quiet, one thread, seeded. */
    public static final String LIGHTGBM_QUIET = "verbose=-1 num_threads=1 deterministic=true seed=7 ";

    /**
     * @return the text model LightGBM saves after {@code rounds} iterations on the rows of {@code x} (row-major),
     *         {@link #LIGHTGBM_QUIET} before both parameter strings
     */
    public static String lightgbmTrain(
            double[] x, int rows, int cols, float[] label, String datasetParams, String params, int rounds)
            throws Exception {
        return lightgbmTrain(x, rows, cols, null, label, datasetParams, params, rounds);
    }

    private static String lightgbmTrain(
            double[] x,
            int rows,
            int cols,
            List<String> names,
            float[] label,
            String datasetParams,
            String params,
            int rounds)
            throws Exception {
        LGBMDataset dataset = LGBMDataset.createFromMat(x, rows, cols, true, LIGHTGBM_QUIET + datasetParams, null);
        try {
            if (names != null) {
                dataset.setFeatureNames(names.toArray(String[]::new));
            }
            dataset.setField("label", label);
            LGBMBooster booster = LGBMBooster.create(dataset, LIGHTGBM_QUIET + params);
            try {
                for (int i = 0; i < rounds; i++) {
                    booster.updateOneIter();
                }
                return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
            } finally {
                booster.close();
            }
        } finally {
            dataset.close();
        }
    }

    /**
     * @return LightGBM's text model of a three-class species classifier, island and sex categorical, with the
     *         {@code pandas_categorical} line LightGBM's Python package appends for a DataFrame's categories
     */
    public static String lightgbmPenguins(int rounds) throws Exception {
        Penguins penguins = penguins();
        String model = lightgbmTrain(
                penguins.flat(),
                penguins.rows().length,
                PENGUIN_FEATURES.size(),
                PENGUIN_FEATURES,
                penguins.species(),
                "categorical_feature=0,5 min_data_in_leaf=5",
                "objective=multiclass num_class=3 num_leaves=7 min_data_in_leaf=5",
                rounds);
        return model + "\npandas_categorical:[[\"Biscoe\", \"Dream\", \"Torgersen\"], [\"FEMALE\", \"MALE\"]]\n";
    }

    /**
     * @return LightGBM's own answers of {@code model} for the rows of {@code x} (row-major), {@code outputs} a row,
     *         from its C API with a buffer sized here (lightgbm4j's multiclass predict writes past a too small one)
     */
    public static double[] lightgbmPredict(String model, double[] x, int rows, int cols, int outputs) {
        return lightgbmPredict(model, x, rows, cols, outputs, false);
    }

    /**
     * As {@link #lightgbmPredict(String, double[], int, int, int)}, the margins ({@code C_API_PREDICT_RAW_SCORE}) when
     * {@code raw}
     *
     * @throws IllegalStateException when LightGBM predicts another number of values than {@code rows * outputs}
     */
    public static double[] lightgbmPredict(String model, double[] x, int rows, int cols, int outputs, boolean raw) {
        try {
            LGBMBooster.loadNative();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SWIGTYPE_p_p_void handle = new_voidpp();
        SWIGTYPE_p_int iterations = new_intp();
        check(LGBM_BoosterLoadModelFromString(model, iterations, handle));
        SWIGTYPE_p_double in = new_doubleArray(x.length);
        SWIGTYPE_p_double out = new_doubleArray((long) rows * outputs + 16);
        SWIGTYPE_p_long_long length = new_int64_tp();
        try {
            for (int i = 0; i < x.length; i++) {
                doubleArray_setitem(in, i, x[i]);
            }
            check(LGBM_BoosterPredictForMat(
                    voidpp_value(handle),
                    double_to_voidp_ptr(in),
                    C_API_DTYPE_FLOAT64,
                    rows,
                    cols,
                    1,
                    raw ? C_API_PREDICT_RAW_SCORE : C_API_PREDICT_NORMAL,
                    0,
                    -1,
                    "num_threads=1",
                    length,
                    out));
            long n = int64_tp_value(length);
            if (n != (long) rows * outputs) {
                throw new IllegalStateException("LightGBM predicted " + n + " values for " + rows + " rows");
            }
            double[] values = new double[(int) n];
            for (int i = 0; i < values.length; i++) {
                values[i] = doubleArray_getitem(out, i);
            }
            return values;
        } finally {
            LGBM_BoosterFree(voidpp_value(handle));
            delete_voidpp(handle);
            delete_intp(iterations);
            delete_doubleArray(in);
            delete_doubleArray(out);
            delete_int64_tp(length);
        }
    }

    private static void check(int result) {
        if (result != 0) {
            throw new IllegalStateException(LGBM_GetLastError());
        }
    }

    /**
     * @return {@code POST /api/predict}'s body of bank-note rows {@code [from, from + count)} as objects, a missing
     *         value (NaN) as null
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode noteInstances(float[][] rows, int from, int count) {
        com.fasterxml.jackson.databind.node.ObjectNode body = Http.JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode instances = body.putArray("instances");
        for (int r = from; r < from + count; r++) {
            com.fasterxml.jackson.databind.node.ObjectNode instance = instances.addObject();
            for (int f = 0; f < NOTE_FEATURES.size(); f++) {
                if (Float.isNaN(rows[r][f])) {
                    instance.putNull(NOTE_FEATURES.get(f));
                } else {
                    instance.put(NOTE_FEATURES.get(f), (double) rows[r][f]);
                }
            }
        }
        return body;
    }

    /** @return {@code POST /api/predict}'s body of every penguin as objects: {@link Penguins#cells} by name */
    public static com.fasterxml.jackson.databind.node.ObjectNode penguinInstances(Penguins penguins) {
        com.fasterxml.jackson.databind.node.ObjectNode body = Http.JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode instances = body.putArray("instances");
        for (int r = 0; r < penguins.rows().length; r++) {
            com.fasterxml.jackson.databind.node.ObjectNode instance = instances.addObject();
            Object[] cells = penguins.cells(r);
            for (int f = 0; f < cells.length; f++) {
                String name = PENGUIN_FEATURES.get(f);
                if (cells[f] == null) {
                    instance.putNull(name);
                } else if (cells[f] instanceof String text) {
                    instance.put(name, text);
                } else {
                    instance.put(name, (Double) cells[f]);
                }
            }
        }
        return body;
    }

    /**
     * MLflow 2.14's MLmodel for mlflow.xgboost.save_model(booster, path, input_example=...) of the bank-note booster
     * as {@code model.xgb}, its default model_format 'xgb', with its signature and input example.
     */
    public static final String NOTES_MLMODEL = """
            artifact_path: model
            flavors:
              python_function:
                data: model.xgb
                env:
                  conda: conda.yaml
                  virtualenv: python_env.yaml
                loader_module: mlflow.xgboost
                python_version: 3.11.4
              xgboost:
                code: null
                data: model.xgb
                model_class: xgboost.core.Booster
                model_format: xgb
                xgb_version: 3.4.0
            mlflow_version: 2.14.2
            model_uuid: 516954aae7c94e91adeed9df76cb4052
            run_id: bf212703d1874eee9dcb37c8a92a6de6
            saved_input_example_info:
              artifact_path: input_example.json
              pandas_orient: split
              type: dataframe
            signature:
              inputs: '[{"type": "double", "name": "variance", "required": true}, {"type": "double", "name":
                "skewness", "required": true}, {"type": "double", "name": "curtosis", "required": true},
                {"type": "double", "name": "entropy", "required": true}]'
              outputs: null
              params: null
            utc_time_created: '2024-07-01 09:12:44.123456'
            """;

    /** The data rows of a CSV file of the project's data (no quoted cells), without its header. */
    private static List<String[]> csv(Path file) {
        try {
            List<String[]> rows = new ArrayList<>();
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isBlank()) {
                    rows.add(line.split(",", -1));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
