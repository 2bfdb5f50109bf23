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
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;

/**
 * The model core alone: {@link Model#predict} on the bundled model with rows of the bank-note data. The
 * batch benchmarks count one operation per row, so their score is nanoseconds per row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m") // ORT 1.29 overflowed a 1 MB thread stack (SIGSEGV) in JMH's worker thread
public class ModelCoreBenchmark {

    private Model classifier;
    private double[] one;
    private double[][] rows1;
    private double[][] rows100;
    private double[][] rows10000;

    @Setup
    public void load() throws IOException {
        classifier = OnnxModelLoader.load(Path.of("model.onnx"));
        double[][] data = BenchData.rows(classifier.signature(), 10_000);
        one = data[0];
        rows1 = new double[][] {data[0]};
        rows100 = java.util.Arrays.copyOf(data, 100);
        rows10000 = data;
    }

    @TearDown
    public void close() {
        classifier.close();
    }

    /** One row through {@code predict(double[])}: the score is nanoseconds per prediction. */
    @Benchmark
    public Prediction single() {
        return classifier.predict(one);
    }

    @Benchmark
    public List<Prediction> batchOf1() {
        return classifier.predict(rows1);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public List<Prediction> batchOf100() {
        return classifier.predict(rows100);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public List<Prediction> batchOf10000() {
        return classifier.predict(rows10000);
    }

    /** Rows of data/BankNote_Authentication.csv in the model's feature order, repeated to {@code count}. */
    public static final class BenchData {
        private BenchData() {}

        public static List<String> csvLines() throws IOException {
            return Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        }

        public static double[][] rows(ModelSignature signature, int count) throws IOException {
            List<String> lines = csvLines();
            List<String> header = List.of(lines.get(0).split(","));
            double[][] rows = new double[count][];
            for (int r = 0; r < count; r++) {
                String[] fields = lines.get(1 + r % (lines.size() - 1)).split(",");
                double[] row = new double[signature.featureCount()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = Double.parseDouble(
                            fields[header.indexOf(signature.featureNames().get(i))]);
                }
                rows[r] = row;
            }
            return rows;
        }
    }
}
