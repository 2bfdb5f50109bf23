import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * bench/native-trees' models: {@code train OUT.json} trains the 100-tree, depth-6 XGBoost binary:logistic booster on
 * the bank notes with xgboost4j 3.4.0 (as ForestTraining's fixture, deeper and longer) and saves it as JSON;
 * {@code check MODEL.json MODEL.onnx} loads both files through tabserve's ModelLoader (the XGBoost file into a
 * NativeModel, the ONNX file on the default engine) and compares, on every bank-note row, XGBoost's own probabilities
 * (Booster.inplace_predict of the saved file) with the native model's (to the bit) and with the ONNX model's (the same
 * label, the probability within a few float32 ulps of the larger class's probability: the ONNX ensemble adds the base
 * margin last and its sigmoid is ONNX Runtime's); it exits non-zero when an answer differs more than that. Run by bench/native-trees/run.
 */
public final class NativeTreesModels {

    static final List<String> FEATURES = List.of("variance", "skewness", "curtosis", "entropy");
    /** The most float32 ulps (of the larger class's probability) the ONNX file's probability may lie from XGBoost's. */
    static final int MAX_ULPS = 4;

    public static void main(String[] args) throws Exception {
        float[][] rows = rows();
        if (args.length == 2 && args[0].equals("train")) {
            train(rows, Path.of(args[1]));
        } else if (args.length == 3 && args[0].equals("check")) {
            System.exit(check(rows, Path.of(args[1]), Path.of(args[2])));
        } else {
            System.err.println("usage: NativeTreesModels train OUT.json | check MODEL.json MODEL.onnx");
            System.exit(2);
        }
    }

    static float[][] rows() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        float[][] rows = new float[lines.size() - 1][5];
        for (int r = 0; r < rows.length; r++) {
            String[] cells = lines.get(r + 1).split(",");
            for (int c = 0; c < 5; c++) {
                rows[r][c] = Float.parseFloat(cells[c]);
            }
        }
        return rows;
    }

    static void train(float[][] rows, Path out) throws Exception {
        float[] x = new float[rows.length * 4];
        float[] y = new float[rows.length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, x, r * 4, 4);
            y[r] = rows[r][4];
        }
        DMatrix train = new DMatrix(x, rows.length, 4, Float.NaN);
        train.setLabel(y);
        train.setFeatureNames(FEATURES.toArray(String[]::new));
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 6);
        params.put("eta", 0.1);
        params.put("subsample", 0.8);
        params.put("colsample_bytree", 0.8);
        params.put("min_child_weight", 0.1);
        params.put("seed", 7);
        params.put("nthread", 1);
        params.put("tree_method", "hist");
        Booster booster = XGBoost.train(train, params, 100, new HashMap<>(), null, null);
        booster.saveModel(out.toString());
        System.out.println("trained " + out + " with xgboost4j "
                + XGBoost.class.getPackage().getImplementationVersion() + ": " + params);
    }

    static int check(float[][] rows, Path json, Path onnx) throws Exception {
        Booster booster = XGBoost.loadModel(json.toString());
        float[] flat = new float[rows.length * 4];
        List<Object[]> cells = new ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
            Object[] row = new Object[4];
            for (int c = 0; c < 4; c++) {
                flat[r * 4 + c] = rows[r][c];
                row[c] = (double) rows[r][c];
            }
            cells.add(row);
        }
        float[][] xgb = booster.inplace_predict(flat, rows.length, 4, Float.NaN);
        int nativeBits = 0, labels = 0, onnxBits = 0, worstOwn = 0;
        double worst = 0, worstAbs = 0;
        try (Model nativeModel = ModelLoader.load(json);
                Model onnxModel = ModelLoader.load(onnx)) {
            System.out.println("native: " + nativeModel.engine().name() + " ("
                    + nativeModel.engine().note() + ")");
            System.out.println("onnx:   " + onnxModel.engine().name() + " ("
                    + onnxModel.engine().note() + ")");
            // as the routes call them: a batch of the rows checked against the model's signature
            List<Prediction> a = nativeModel.predict(Batch.of(nativeModel.signature(), cells));
            List<Prediction> b = onnxModel.predict(Batch.of(onnxModel.signature(), cells));
            for (int r = 0; r < rows.length; r++) {
                float p = xgb[r][0];
                Prediction.Classification n = a.get(r).classification();
                Prediction.Classification o = b.get(r).classification();
                float pn = (float) n.probabilityOf("1");
                float po = (float) o.probabilityOf("1");
                nativeBits += Float.floatToIntBits(pn) == Float.floatToIntBits(p) ? 1 : 0;
                onnxBits += Float.floatToIntBits(po) == Float.floatToIntBits(p) ? 1 : 0;
                String xgbLabel = p > 0.5f ? "1" : "0";
                labels += n.label().equals(o.label()) && n.label().equals(xgbLabel) ? 1 : 0;
                // ONNX Runtime's LOGISTIC takes a negative margin's probability as 1 - 1/(1 + e^|m|), so a small
                // probability keeps the absolute precision of a number near 1, not its own: its error is counted in
                // ulps of the larger class's probability, max(p, 1 - p)
                double scale = Math.ulp(Math.max(p, 1.0f - p));
                worst = Math.max(worst, Math.abs(po - p) / scale);
                worstOwn = Math.max(worstOwn, Math.abs(Float.floatToIntBits(po) - Float.floatToIntBits(p)));
                worstAbs = Math.max(worstAbs, Math.abs((double) po - p));
            }
        }
        System.out.printf(
                "%d rows: the native model's probability is XGBoost's to the bit on %d; the ONNX model's on %d, the"
                        + " others within %.1f float32 ulp(s) of max(p, 1 - p) (largest difference %.3g, %d ulps of p"
                        + " itself); the same label from all three on %d%n",
                rows.length, nativeBits, onnxBits, worst, worstAbs, worstOwn, labels);
        boolean ok = nativeBits == rows.length && labels == rows.length && worst <= MAX_ULPS;
        System.out.println(ok ? "same answers" : "ANSWERS DIFFER");
        return ok ? 0 : 1;
    }
}
