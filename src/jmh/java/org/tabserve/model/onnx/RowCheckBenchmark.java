package org.tabserve.model.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;

/**
 * Issue 61, item 9: what the check of a linear model's rows (a score that overflows float in some order of adding is
 * refused before any engine) costs an ordinary row, on the quick start's StandardScaler + LogisticRegression with
 * 1,000 rows of its iris data: the check alone ({@code check}, one comparison a value), a batch made with it and
 * without it ({@code batchChecked}, {@code batchBare}: {@code Batch.ofNumbers}, which runs it), and the model's
 * answers for the checked batch ({@code predict}: ONNX Runtime's, the model checking the batch again first). Every
 * score is nanoseconds a row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m") // ORT 1.29 overflowed a 1 MB thread stack (SIGSEGV) in JMH's worker thread
public class RowCheckBenchmark {

    static final int ROWS = 1_000;

    private Model model;
    private ModelSignature bare;
    private double[][] rows;
    private Batch batch;

    @Setup
    public void load() throws IOException {
        model = OnnxModelLoader.load(
                Path.of("src/test/resources/org/tabserve/fixtures/quickstart/iris-classifier.onnx"));
        ModelSignature signature = model.signature();
        bare = new ModelSignature(
                signature.inputs(),
                signature.task(),
                signature.classLabels(),
                signature.outputKind(),
                signature.logits(),
                signature.fixedBatch());
        List<String> lines =
                Files.readAllLines(Path.of("src/test/resources/org/tabserve/fixtures/quickstart/train.csv"));
        rows = new double[ROWS][4];
        for (int r = 0; r < ROWS; r++) {
            String[] fields = lines.get(1 + r % (lines.size() - 1)).split(",");
            for (int j = 0; j < 4; j++) {
                rows[r][j] = Double.parseDouble(fields[j]);
            }
        }
        batch = Batch.ofNumbers(signature, rows);
    }

    @TearDown
    public void close() {
        model.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public Batch check() {
        model.signature().rowCheck().refuse(batch);
        return batch;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public Batch batchChecked() {
        return Batch.ofNumbers(model.signature(), rows);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public Batch batchBare() {
        return Batch.ofNumbers(bare, rows);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public List<Prediction> predict() {
        return model.predict(batch);
    }
}
