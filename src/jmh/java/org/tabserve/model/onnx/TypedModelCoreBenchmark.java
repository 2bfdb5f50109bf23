package org.tabserve.model.onnx;

import java.io.IOException;
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
import org.tabserve.model.BenchFixtures;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * The model core on a text-input pipeline (skl2onnx's penguins species classifier: two one-hot text columns, four
 * imputed and scaled floats, a ZipMap), with rows of its fixture: checking the typed cells ({@link Batch#of}) and
 * predicting, per row, at batches of 1, 100 and 10,000. Compare with {@link ModelCoreBenchmark} (the bank-note model).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m")
public class TypedModelCoreBenchmark {

    private static final Path FIXTURE = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    private Model model;
    private List<Object[]> rows1;
    private List<Object[]> rows100;
    private List<Object[]> rows10000;

    @Setup
    public void load() throws IOException {
        model = OnnxModelLoader.load(FIXTURE.resolve("species-zipmap.onnx"));
        List<Object[]> data =
                BenchFixtures.rows(model.signature(), FIXTURE.resolve("species-zipmap.inputs.csv"), 10_000);
        rows1 = data.subList(0, 1);
        rows100 = data.subList(0, 100);
        rows10000 = data;
    }

    @TearDown
    public void close() {
        model.close();
    }

    @Benchmark
    public List<Prediction> batchOf1() {
        return model.predict(Batch.of(model.signature(), rows1));
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public List<Prediction> batchOf100() {
        return model.predict(Batch.of(model.signature(), rows100));
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public List<Prediction> batchOf10000() {
        return model.predict(Batch.of(model.signature(), rows10000));
    }
}
