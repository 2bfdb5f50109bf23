import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.trees.NativeModel;
import org.tabserve.model.trees.TrainedForest;

/**
 * The model call alone, by CPU time rather than wall time (JMH's average time counts what the machine's other work
 * takes from the thread): one thread calls each candidate for {@code CALLS} single rows (the next bank-note row each
 * call), the candidates in turn for {@code ROUNDS} rounds after a warm-up, and prints each candidate's thread CPU
 * nanoseconds per call, median and range of the rounds. The candidates are those of NativeTreesBenchmark.
 * Usage: ModelCallCpu DIR [ROUNDS] [CALLS]. Run by bench/native-trees/run.
 */
public final class ModelCallCpu {

    interface Call {
        double run(int row) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        Model nativeModel = ModelLoader.load(dir.resolve("notes-100x6.json"));
        TrainedForest forest = ((NativeModel) nativeModel).forest();
        Model onnxPlain = ModelLoader.load(dir.resolve("notes-100x6.onnx"));
        System.setProperty(Engine.SETTING, "onnxruntime");
        Model onnxRuntime = ModelLoader.load(dir.resolve("notes-100x6.onnx"));
        System.clearProperty(Engine.SETTING);
        Booster booster = XGBoost.loadModel(dir.resolve("notes-100x6.json").toString());
        booster.setParam("nthread", "1");
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        int n = lines.size() - 1;
        Batch[] nativeRows = new Batch[n], onnxRows = new Batch[n];
        double[][] wide = new double[n][4];
        float[][] narrow = new float[n][4];
        for (int r = 0; r < n; r++) {
            String[] cells = lines.get(r + 1).split(",");
            Object[] row = new Object[4];
            for (int c = 0; c < 4; c++) {
                narrow[r][c] = Float.parseFloat(cells[c]);
                wide[r][c] = narrow[r][c];
                row[c] = wide[r][c];
            }
            List<Object[]> one = new ArrayList<>();
            one.add(row);
            nativeRows[r] = Batch.of(nativeModel.signature(), one);
            onnxRows[r] = Batch.of(onnxPlain.signature(), one);
        }
        double[] scores = new double[2];
        Map<String, Call> candidates = new LinkedHashMap<>();
        candidates.put("NativeModel.predict (XGBoost JSON)", r -> p(nativeModel, nativeRows[r]));
        candidates.put("its forest's answer alone", r -> {
            forest.answer(wide[r], scores);
            return scores[1];
        });
        candidates.put("ONNX file, plain-Java engine (default)", r -> p(onnxPlain, onnxRows[r]));
        candidates.put("ONNX file, ONNX Runtime", r -> p(onnxRuntime, onnxRows[r]));
        candidates.put(
                "xgboost4j Booster.inplace_predict", r -> booster.inplace_predict(narrow[r], 1, 4, Float.NaN)[0][0]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, double[]> perCall = new LinkedHashMap<>();
        candidates.keySet().forEach(k -> perCall.put(k, new double[rounds]));
        double sink = 0;
        for (int round = -2; round < rounds; round++) { // two rounds of warm-up
            for (Map.Entry<String, Call> c : candidates.entrySet()) {
                int many = c.getKey().startsWith("xgboost4j") ? calls / 20 : calls;
                long cpu0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < many; i++) {
                    sink += c.getValue().run(i % n);
                }
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                if (round >= 0) {
                    perCall.get(c.getKey())[round] = (double) cpu / many;
                }
            }
        }
        System.out.printf(
                "thread CPU ns per single-row call, %d rounds (the candidates in turn), median (min-max):%n", rounds);
        double nativeMedian = median(perCall.get("NativeModel.predict (XGBoost JSON)"));
        for (Map.Entry<String, double[]> e : perCall.entrySet()) {
            double[] v = e.getValue().clone();
            Arrays.sort(v);
            System.out.printf(
                    "  %-40s %8.0f (%.0f-%.0f)  NativeModel.predict / this: %.2f%n",
                    e.getKey(), median(v), v[0], v[v.length - 1], nativeMedian / median(v));
        }
        System.out.println(sink == 42 ? "" : "");
        nativeModel.close();
        onnxPlain.close();
        onnxRuntime.close();
        booster.dispose();
    }

    static double p(Model model, Batch row) {
        return model.predict(row).get(0).classification().probabilities().get(1);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
