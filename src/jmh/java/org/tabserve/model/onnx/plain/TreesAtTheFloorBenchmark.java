package org.tabserve.model.onnx.plain;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.ml.TreeEnsemble;
import org.tabserve.model.onnx.graph.ml.TreeEnsembleReader;

/**
 * Issue 53's tree goal (item 1): the 100-tree × 31-leaf gradient-boosted model (scikit-learn's
 * HistGradientBoostingClassifier on the bank notes, {@code fixtures/make_floor_trees_model.py}) scoring one row and
 * batches of 1,000 rows of the bank notes (single rows taken in turn from those 1,000), through the plain-Java engine's graph and through ONNX Runtime (one
 * thread, as tabserve runs it), each answer's outputs read; and, as the engine walked before, the ensemble's own
 * {@link TreeEnsemble#evaluate} on the rows widened to doubles (the definition the walker answers as). The batch benchmarks count one operation per row, so
 * every score is nanoseconds per row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xss8m") // ORT 1.29 overflowed a 1 MB thread stack (SIGSEGV) in JMH's worker thread
public class TreesAtTheFloorBenchmark {

    static final Path MODEL = Path.of("src/test/resources/org/tabserve/fixtures/floor/banknote-hgb-100x31.onnx");
    private static final int BATCH = 1_000;
    private static final int WIDTH = 4;

    private PlainGraph plain;
    private TreeEnsemble definition;
    private OrtEnvironment env;
    private OrtSession session;
    /** The batch's rows one by one: each single-row call takes the next, as a server's calls differ. */
    private float[][] ones;

    private int next;
    private float[] batch;

    @Setup
    public void load() throws Exception {
        OnnxGraph graph = GraphParser.parse(MODEL);
        plain = PlainGraph.compile(graph, List.of("label", "probabilities"));
        definition = TreeEnsembleReader.read(new NodeAttributes(graph.nodes().get(0)));
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            session = env.createSession(MODEL.toString(), options);
        }
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        batch = new float[BATCH * WIDTH];
        for (int r = 0; r < BATCH; r++) {
            String[] fields = lines.get(1 + r % (lines.size() - 1)).split(",");
            for (int c = 0; c < WIDTH; c++) {
                batch[r * WIDTH + c] = Float.parseFloat(fields[c]);
            }
        }
        ones = new float[BATCH][];
        for (int r = 0; r < BATCH; r++) {
            ones[r] = java.util.Arrays.copyOfRange(batch, r * WIDTH, (r + 1) * WIDTH);
        }
    }

    /** @return the next of the rows, round and round: the same row again would let the branch predictor learn it */
    float[] nextRow() {
        next = next == BATCH - 1 ? 0 : next + 1;
        return ones[next];
    }

    TreeEnsemble definition() {
        return definition;
    }

    float[] batch() {
        return batch;
    }

    @TearDown
    public void close() throws OrtException {
        session.close();
    }

    @Benchmark
    public float plainSingle() {
        return plain(nextRow(), 1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float plainBatchOf1000() {
        return plain(batch, BATCH);
    }

    @Benchmark
    public float ortSingle() throws OrtException {
        return ort(nextRow(), 1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float ortBatchOf1000() throws OrtException {
        return ort(batch, BATCH);
    }

    @Benchmark
    public float definitionSingle() {
        return definition(nextRow(), 1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float definitionBatchOf1000() {
        return definition(batch, BATCH);
    }

    /** As the engine walked before the walker: the rows widened to doubles, each row's arrays allocated. */
    private float definition(float[] rows, int count) {
        double[] wide = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            wide[i] = rows[i];
        }
        float[] scores = new float[2 * count];
        int label = 0;
        for (int r = 0; r < count; r++) {
            label += definition.evaluate(wide, r * WIDTH, true, scores, 2 * r);
        }
        return scores[2 * count - 1] + label;
    }

    private float plain(float[] rows, int count) {
        Map<String, PlainTensor> out = plain.run(Map.of("input", PlainTensor.floats(count, WIDTH, rows)));
        return out.get("probabilities").floats()[2 * count - 1]
                + out.get("label").longs()[count - 1];
    }

    private float ort(float[] rows, int count) throws OrtException {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[] {count, WIDTH});
                OrtSession.Result result = session.run(Map.of("input", x))) {
            float[] probabilities = new float[2 * count];
            ((OnnxTensor) result.get("probabilities").orElseThrow())
                    .getFloatBuffer()
                    .get(probabilities);
            long label = ((OnnxTensor) result.get("label").orElseThrow())
                    .getLongBuffer()
                    .get(count - 1);
            return probabilities[2 * count - 1] + label;
        }
    }
}
