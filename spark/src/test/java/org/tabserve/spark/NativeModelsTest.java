package org.tabserve.spark;

import static com.microsoft.ml.lightgbm.lightgbmlib.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;

/**
 * Models in their training library's own file score a DataFrame as the server's core answers the same rows, to the
 * bit, and as the library itself: an XGBoost 3.4.0 booster on the bank notes as JSON, as UBJSON and in an MLflow model
 * directory (float32 probabilities), a LightGBM 4.1 penguin classifier with its categories as text (doubles), missing
 * values among the rows; both trained here. A folder that is no MLflow model is refused in words.
 */
class NativeModelsTest {

    private static final Path DATA = Path.of(System.getProperty("tabserve.data"));
    private static final List<String> NOTES = List.of("variance", "skewness", "curtosis", "entropy");
    private static final List<String> ISLANDS = List.of("Biscoe", "Dream", "Torgersen");
    private static final List<String> SEXES = List.of("FEMALE", "MALE");
    private static final List<String> SPECIES = List.of("Adelie", "Chinstrap", "Gentoo");

    @TempDir
    static Path dir;

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .appName("tabserve-native-models-test")
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void anXgboostBoosterAsJsonAsUbjsonAndInAnMlflowDirectoryScoresAsTheCoreAndAsXgboostToTheBit() throws Exception {
        List<String[]> lines = csv(DATA);
        int n = 300;
        float[][] x = new float[n][4];
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            String[] cells = lines.get(r * (lines.size() / n));
            for (int f = 0; f < 4; f++) {
                x[r][f] = r % 11 == f ? Float.NaN : Float.parseFloat(cells[f]); // some missing, routed by the trees
            }
            y[r] = Float.parseFloat(cells[4]);
        }
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 3);
        params.put("seed", 7);
        params.put("nthread", 1);
        DMatrix train = matrix(x);
        train.setLabel(y);
        Booster booster = XGBoost.train(train, params, 12, new HashMap<>(), null, null);
        float[][] own = booster.predict(matrix(x));

        StructType notes = new StructType().add("id", DataTypes.IntegerType);
        for (String name : NOTES) {
            notes = notes.add(name, DataTypes.DoubleType);
        }
        List<Row> rows = new ArrayList<>();
        List<Object[]> cells = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            Object[] row = new Object[4];
            for (int f = 0; f < 4; f++) {
                row[f] = Float.isNaN(x[r][f]) ? null : (Object) (double) x[r][f];
            }
            cells.add(row);
            rows.add(RowFactory.create(r, row[0], row[1], row[2], row[3]));
        }
        for (String format : List.of("json", "ubj", "mlflow")) {
            Path file = dir.resolve("notes." + format);
            if (format.equals("mlflow")) { // an MLflow model directory: MLmodel and the booster as model.xgb
                Files.createDirectories(file);
                Files.write(file.resolve("model.xgb"), booster.toByteArray("ubj"));
                Files.writeString(file.resolve("MLmodel"), MLMODEL);
            } else {
                Files.write(file, booster.toByteArray(format));
            }
            List<Row> scored = new TabserveModel()
                    .setModelPath(file.toString())
                    .setBatchSize(64)
                    .transform(spark.createDataFrame(rows, notes))
                    .collectAsList();
            scored = byId(scored);
            List<Prediction> core = core(file, cells);
            for (int r = 0; r < n; r++) {
                Row answer = scored.get(r).getStruct(scored.get(r).fieldIndex("prediction"));
                double p = answer.getStruct(1).getDouble(1); // class "1"
                Prediction.Classification expected = (Prediction.Classification) core.get(r);
                assertEquals(
                        Double.doubleToRawLongBits(expected.probabilityOf("1")),
                        Double.doubleToRawLongBits(p),
                        format + ", row " + r + ": the core's answer");
                assertEquals(
                        Float.floatToRawIntBits(own[r][0]),
                        Float.floatToRawIntBits((float) p),
                        format + ", row " + r + ": XGBoost's own");
                assertEquals(expected.label(), answer.getString(0));
            }
        }
    }

    @Test
    void aLightgbmClassifierWithTextCategoriesScoresAsTheCoreAndAsLightgbmToTheBit() throws Exception {
        List<String[]> lines = csv(DATA.resolveSibling("penguins.csv"));
        int n = lines.size();
        int width = 6;
        double[] flat = new double[n * width];
        float[] species = new float[n];
        List<Row> rows = new ArrayList<>();
        List<Object[]> cells = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            String[] line = lines.get(r);
            species[r] = SPECIES.indexOf(line[0]);
            Object[] cell = new Object[width];
            cell[0] = line[1];
            flat[r * width] = ISLANDS.indexOf(line[1]);
            for (int f = 1; f <= 4; f++) {
                boolean missing = line[f + 1].isEmpty() || r % 17 == f;
                flat[r * width + f] = missing ? Double.NaN : Double.parseDouble(line[f + 1]);
                cell[f] = missing ? null : (Object) flat[r * width + f];
            }
            boolean noSex = line.length < 7 || line[6].isEmpty() || !SEXES.contains(line[6]);
            flat[r * width + 5] = noSex ? Double.NaN : SEXES.indexOf(line[6]);
            cell[5] = noSex ? null : line[6];
            cells.add(cell);
            rows.add(RowFactory.create(r, cell[0], cell[1], cell[2], cell[3], cell[4], cell[5]));
        }
        String model = lightgbm(flat, n, width, species);
        double[] own = lightgbmPredict(model, flat, n, width, 3);
        Path file = dir.resolve("penguins.txt");
        Files.writeString(file, model, StandardCharsets.UTF_8);
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("island", DataTypes.StringType)
                .add("bill_length_mm", DataTypes.DoubleType)
                .add("bill_depth_mm", DataTypes.DoubleType)
                .add("flipper_length_mm", DataTypes.DoubleType)
                .add("body_mass_g", DataTypes.DoubleType)
                .add("sex", DataTypes.StringType);
        List<Row> scored = new TabserveModel()
                .setModelPath(file.toString())
                .setBatchSize(50)
                .transform(spark.createDataFrame(rows, schema))
                .collectAsList();
        scored = byId(scored);
        List<Prediction> core = core(file, cells);
        for (int r = 0; r < n; r++) {
            Row answer = scored.get(r).getStruct(scored.get(r).fieldIndex("prediction"));
            Prediction.Classification expected = (Prediction.Classification) core.get(r);
            for (int c = 0; c < 3; c++) {
                double p = answer.getStruct(1).getDouble(c);
                assertEquals(
                        Double.doubleToRawLongBits(expected.probabilityOf(Integer.toString(c))),
                        Double.doubleToRawLongBits(p),
                        "penguin " + r + ", class " + c + ": the core's answer");
                assertEquals(
                        Double.doubleToRawLongBits(own[3 * r + c]),
                        Double.doubleToRawLongBits(p),
                        "penguin " + r + ", class " + c + ": LightGBM's own");
            }
        }
        // The SQL function reads the same file through the same loader.
        TabserveFunctions.register(spark, "penguin_native", file.toString());
        spark.createDataFrame(rows, schema).createOrReplaceTempView("penguins_native");
        Row first = spark.sql("SELECT penguin_native(struct(*)) AS a FROM penguins_native WHERE id = 0")
                .first()
                .getStruct(0);
        Row transformed = scored.get(0).getStruct(scored.get(0).fieldIndex("prediction"));
        assertEquals(transformed.getString(0), first.getString(0));
        assertEquals(transformed.getStruct(1), first.getStruct(1));
    }

    @Test
    void aFolderWithNoMlmodelIsRefusedInWords() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("no-model"));
        Files.writeString(folder.resolve("model.xgb"), "{}");
        ModelException refused = assertThrows(
                ModelException.class,
                () -> new TabserveModel().setModelPath(folder.toString()).transformSchema(new StructType()));
        assertTrue(refused.getMessage().contains("it is a folder with no MLmodel file"), refused.getMessage());
    }

    /** MLflow 2.14's MLmodel for mlflow.xgboost.save_model(booster, path) with a signature. */
    private static final String MLMODEL = """
            artifact_path: model
            flavors:
              xgboost:
                code: null
                data: model.xgb
                model_class: xgboost.core.Booster
                model_format: xgb
                xgb_version: 3.4.0
            mlflow_version: 2.14.2
            run_id: bf212703d1874eee9dcb37c8a92a6de6
            signature:
              inputs: '[{"type": "double", "name": "variance", "required": true}, {"type": "double", "name":
                "skewness", "required": true}, {"type": "double", "name": "curtosis", "required": true},
                {"type": "double", "name": "entropy", "required": true}]'
              outputs: null
              params: null
            """;

    /** The rows in the order of their ids (no shuffle asked of Spark to sort them). */
    private static List<Row> byId(List<Row> rows) {
        Row[] byId = new Row[rows.size()];
        for (Row row : rows) {
            byId[row.getInt(row.fieldIndex("id"))] = row;
        }
        return List.of(byId);
    }

    /** The server core's answers for the same rows and file: the file loaded where it lies, as the server loads it. */
    private static List<Prediction> core(Path file, List<Object[]> cells) {
        try (Model model = ModelLoader.load(file)) {
            return model.predict(Batch.of(model.signature(), cells));
        }
    }

    private static DMatrix matrix(float[][] x) throws Exception {
        float[] flat = new float[x.length * 4];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(x[r], 0, flat, r * 4, 4);
        }
        DMatrix m = new DMatrix(flat, x.length, 4, Float.NaN);
        m.setFeatureNames(NOTES.toArray(String[]::new));
        return m;
    }

    /** LightGBM's text model, island and sex categorical, with the line LightGBM's Python package adds for them. */
    private static String lightgbm(double[] flat, int n, int width, float[] species) throws Exception {
        String quiet = "verbose=-1 num_threads=1 deterministic=true seed=7 ";
        LGBMDataset dataset = LGBMDataset.createFromMat(
                flat, n, width, true, quiet + "categorical_feature=0,5 min_data_in_leaf=5", null);
        try {
            dataset.setFeatureNames(
                    new String[] {"island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex"
                    });
            dataset.setField("label", species);
            LGBMBooster booster = LGBMBooster.create(
                    dataset, quiet + "objective=multiclass num_class=3 num_leaves=7 min_data_in_leaf=5");
            try {
                for (int i = 0; i < 10; i++) {
                    booster.updateOneIter();
                }
                return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT)
                        + "\npandas_categorical:[[\"Biscoe\", \"Dream\", \"Torgersen\"], [\"FEMALE\", \"MALE\"]]\n";
            } finally {
                booster.close();
            }
        } finally {
            dataset.close();
        }
    }

    /** LightGBM's own answers, from its C API with an output buffer sized here (lightgbm4j's is too small). */
    private static double[] lightgbmPredict(String model, double[] x, int rows, int cols, int outputs)
            throws Exception {
        LGBMBooster.loadNative();
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
                    C_API_PREDICT_NORMAL,
                    0,
                    -1,
                    "num_threads=1",
                    length,
                    out));
            double[] values = new double[(int) int64_tp_value(length)];
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

    /** A CSV file of the project's data (no quoted cells), without its header. */
    private static List<String[]> csv(Path file) throws Exception {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(line.split(",", -1));
            }
        }
        return rows;
    }
}
