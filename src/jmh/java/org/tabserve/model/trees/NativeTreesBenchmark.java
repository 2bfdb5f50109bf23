package org.tabserve.model.trees;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * Issue 92's bench goal, item 2: one bank-note row through the 100-tree, depth-6 XGBoost booster of bench/native-trees
 * ({@code target/bench/native-trees/notes-100x6.json}, and its ONNX conversion {@code notes-100x6.onnx}; run
 * bench/native-trees/run first), the model call alone, in process, one thread: tabserve's {@link NativeModel#predict}
 * of a checked one-row {@link Batch} (as the routes call it), the forest's own {@link TrainedForest#answer} (the trees
 * and the sigmoid, without the batch's reading and the answer's objects), XGBoost's own {@code Booster.inplace_predict}
 * (xgboost4j 3.4.0, its native library) and {@code predict} of a one-row DMatrix, and the ONNX file through tabserve on
 * its default engine (the plain-Java tree evaluator) and on ONNX Runtime. Each call takes the next of the 1,372 rows,
 * so that the branch predictor cannot learn one row's path. Needs xgboost4j on the class path (a test dependency):
 * bench/native-trees/run starts it with the test class path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xss8m", "-Xmx128m", "-XX:+UseSerialGC"})
public class NativeTreesBenchmark {

    static final Path DIR = Path.of("target/bench/native-trees");

    private Model nativeModel;
    private TrainedForest forest;
    private Model onnxPlain;
    private Model onnxRuntime;
    private Booster booster;

    private Batch[] nativeRows;
    private Batch[] onnxRows;
    private double[][] wide;
    private float[][] narrow;
    private final double[] scores = new double[2];
    private int next;

    @Setup(Level.Trial)
    public void load() throws Exception {
        nativeModel = ModelLoader.load(DIR.resolve("notes-100x6.json"));
        forest = ((NativeModel) nativeModel).forest();
        onnxPlain = ModelLoader.load(DIR.resolve("notes-100x6.onnx"));
        String before = System.getProperty(Engine.SETTING);
        System.setProperty(Engine.SETTING, "onnxruntime");
        try {
            onnxRuntime = ModelLoader.load(DIR.resolve("notes-100x6.onnx"));
        } finally {
            if (before == null) {
                System.clearProperty(Engine.SETTING);
            } else {
                System.setProperty(Engine.SETTING, before);
            }
        }
        if (!onnxPlain.engine().name().equals(Engine.PLAIN_JAVA)
                || !onnxRuntime.engine().name().equals(Engine.ONNX_RUNTIME)) {
            throw new IllegalStateException("engines: " + onnxPlain.engine() + ", " + onnxRuntime.engine());
        }
        booster = XGBoost.loadModel(DIR.resolve("notes-100x6.json").toString());
        booster.setParam("nthread", "1"); // one thread, as tabserve scores a row
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        int n = lines.size() - 1;
        nativeRows = new Batch[n];
        onnxRows = new Batch[n];
        wide = new double[n][4];
        narrow = new float[n][4];
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
    }

    @TearDown(Level.Trial)
    public void close() {
        nativeModel.close();
        onnxPlain.close();
        onnxRuntime.close();
        booster.dispose();
    }

    private int nextRow() {
        next = next == wide.length - 1 ? 0 : next + 1;
        return next;
    }

    private static double p(List<Prediction> answer) {
        return answer.get(0).classification().probabilities().get(1);
    }

    @Benchmark
    public double nativePredict() {
        return p(nativeModel.predict(nativeRows[nextRow()]));
    }

    @Benchmark
    public double nativeForestAnswer() {
        forest.answer(wide[nextRow()], scores);
        return scores[1];
    }

    @Benchmark
    public double onnxPlainPredict() {
        return p(onnxPlain.predict(onnxRows[nextRow()]));
    }

    @Benchmark
    public double onnxRuntimePredict() {
        return p(onnxRuntime.predict(onnxRows[nextRow()]));
    }

    @Benchmark
    public float xgboostInplacePredict() throws XGBoostError {
        return booster.inplace_predict(narrow[nextRow()], 1, 4, Float.NaN)[0][0];
    }

    @Benchmark
    public float xgboostDMatrixPredict() throws XGBoostError {
        DMatrix one = new DMatrix(narrow[nextRow()], 1, 4, Float.NaN);
        try {
            return booster.predict(one)[0][0];
        } finally {
            one.dispose();
        }
    }
}
