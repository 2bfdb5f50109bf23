package org.tabserve.model.onnx.plain;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.ml.SvmClassifier;

/**
 * Issues 50 and 49: which engine costs less per row, on the three kinds of estimator the plain engine runs, each a
 * model of the bank notes taking their four floats: the bundled SVC ({@code svm}: model.onnx, 95 RBF vectors, Platt's
 * probabilities), a logistic regression on the first two ({@code linear}: {@code conformal/banknote-class-weak.onnx}, LinearClassifier
 * and Normalizer) and the 100-tree × 31-leaf boosted trees ({@code trees}: {@code floor/banknote-hgb-100x31.onnx}).
 * One row (taken in turn from 1,000 rows of the data) and batches of those 1,000, through the plain graph and through
 * ONNX Runtime (one thread, as tabserve runs it), every output read. For the SVM also {@code before}: the kernel as the
 * plain engine computed it before its blocks (per row, each vector and feature through the definition's accessors,
 * {@code Math.exp} in double). The batch benchmarks count one operation per row, so every score is nanoseconds a row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xss8m") // ORT 1.29 overflowed a 1 MB thread stack (SIGSEGV) in JMH's worker thread
public class PlainOrOrtBenchmark {

    static final int BATCH = 1_000;
    private static final String FIXTURES = "src/test/resources/org/tabserve/fixtures/";

    /** The model: {@code svm}, {@code linear} or {@code trees}. */
    @Param({"svm", "linear", "trees"})
    public String model;

    private PlainGraph plain;
    private String input;
    private List<String> outputs;
    private SvmClassifier svm;
    private OrtEnvironment env;
    private OrtSession session;
    private float[][] ones;
    private int next;
    private float[] batch;
    /** The model's features: the data's first columns (the weak linear model takes two). */
    private int width;

    static Path file(String model) {
        return switch (model) {
            case "svm" -> Path.of("model.onnx");
            case "linear" -> Path.of(FIXTURES + "conformal/banknote-class-weak.onnx");
            case "trees" -> Path.of(FIXTURES + "floor/banknote-hgb-100x31.onnx");
            default -> throw new IllegalArgumentException(model);
        };
    }

    @Setup
    public void load() throws Exception {
        Path path = file(model);
        OnnxGraph graph = GraphParser.parse(path);
        input = graph.inputs().get(0).name();
        width = model.equals("linear") ? 2 : 4;
        outputs = graph.outputs().stream().map(o -> o.name()).toList();
        plain = PlainGraph.compile(graph, outputs);
        for (OnnxNode node : graph.nodes()) {
            if (node.opType().equals("SVMClassifier")) {
                svm = SvmClassifier.read(new NodeAttributes(node));
            }
        }
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            session = env.createSession(path.toString(), options);
        }
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        batch = new float[BATCH * width];
        for (int r = 0; r < BATCH; r++) {
            String[] fields = lines.get(1 + r % (lines.size() - 1)).split(",");
            for (int c = 0; c < width; c++) {
                batch[r * width + c] = Float.parseFloat(fields[c]);
            }
        }
        ones = new float[BATCH][];
        for (int r = 0; r < BATCH; r++) {
            ones[r] = java.util.Arrays.copyOfRange(batch, r * width, (r + 1) * width);
        }
    }

    @TearDown
    public void close() throws OrtException {
        session.close();
    }

    /** @return the next of the rows, round and round */
    float[] nextRow() {
        next = next == BATCH - 1 ? 0 : next + 1;
        return ones[next];
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

    /** The SVM's kernels and decision value as the plain engine computed them before (0 for the other models). */
    @Benchmark
    public float beforeSingle() {
        return svm == null ? 0 : SvmBefore.decisions(svm, nextRow(), 1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float beforeBatchOf1000() {
        return svm == null ? 0 : SvmBefore.decisions(svm, batch, BATCH);
    }

    boolean isSvm() {
        return svm != null;
    }

    private float plain(float[] rows, int count) {
        Map<String, PlainTensor> out = plain.run(Map.of(input, PlainTensor.floats(count, width, rows)));
        float sum = 0;
        for (PlainTensor t : out.values()) {
            sum += t.type() == PlainTensor.Type.INT64 ? t.longs()[count - 1] : t.floats()[t.floats().length - 1];
        }
        return sum;
    }

    private float ort(float[] rows, int count) throws OrtException {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[] {count, width});
                OrtSession.Result result = session.run(Map.of(input, x))) {
            float sum = 0;
            for (Map.Entry<String, OnnxValue> e : result) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64) {
                    sum += t.getLongBuffer().get(count - 1);
                } else {
                    float[] values = new float[(int) (t.getInfo().getNumElements())];
                    t.getFloatBuffer().get(values);
                    sum += values[values.length - 1];
                }
            }
            return sum;
        }
    }
}
