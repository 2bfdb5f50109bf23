package org.tabserve.predictionlog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.tabserve.model.BenchFixtures;
import org.tabserve.model.Model;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * What the two hooks on every scored batch cost a single-row prediction, with and without them in one run (issue 24:
 * no lock on the scoring path that shows in the single-row figure): the prediction alone; with the live drift profile
 * counting the row ({@link LiveProfile#record}); and with the prediction log sampling every request too
 * ({@link PredictionLog#offer}, its writer thread writing to a temporary directory); and the drift hook alone. For one row of the bundled
 * bank-note model (4 floats) and one of the penguin species pipeline (the typed fixture, carded by the real
 * {@code card} command so that its live profile has bins and categories); the first two also on two threads at once,
 * sharing the model and its profile, so that contention between request threads would show. Run all in one go, without
 * {@code -t} (which would override the threads each benchmark names):
 * {@code mvn -B -Pjmh test-compile exec:exec -Djmh.args="ScoringHooks"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m")
public class ScoringHooksBenchmark {

    @Param({"banknote", "penguins"})
    public String model;

    private Model served;
    private LiveProfile live;
    private PredictionLog log;
    private Path directory;
    private Batch row;

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        if (model.equals("banknote")) {
            served = OnnxModelLoader.load(Path.of("model.onnx"));
            row = Batch.ofNumbers(served.signature(), new double[][] {{3.6216, 8.6661, -2.8073, -0.44699}});
        } else {
            served = OnnxModelLoader.load(BenchFixtures.carded("species"));
            row = Batch.of(
                    served.signature(),
                    BenchFixtures.rows(
                            served.signature(),
                            BenchFixtures.FIXTURES.resolve("penguins/species-zipmap.inputs.csv"),
                            1));
        }
        live = new LiveProfile(served.signature(), served.card());
        if (!live.hasTrainingProfile()) {
            throw new IllegalStateException(model + " has no training profile: its drift hook would only count NaNs");
        }
        directory = Files.createTempDirectory("tabserve-hooks-bench");
        log = PredictionLog.start(new PredictionLogOptions(directory, 1, Set.of(), 64L << 20, 2, 10_000), 64L << 20);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        log.close();
        served.close();
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    @Benchmark
    @Threads(1)
    public List<Prediction> predict() {
        return served.predict(row);
    }

    @Benchmark
    @Threads(1)
    public List<Prediction> predictAndCountDrift() {
        List<Prediction> predictions = served.predict(row);
        live.record(row);
        return predictions;
    }

    @Benchmark
    @Threads(1)
    public List<Prediction> predictCountDriftAndLog() {
        long started = System.nanoTime();
        List<Prediction> predictions = served.predict(row);
        live.record(row);
        if (log.sampled()) {
            log.offer(new ScoredCall(
                    "bench",
                    "POST /api/predict",
                    model,
                    1,
                    served,
                    Instant.now(),
                    System.nanoTime() - started,
                    row,
                    predictions,
                    null,
                    null,
                    null));
        }
        return predictions;
    }

    /** The drift hook alone, without the model: its own cost, apart from ONNX Runtime's variance. */
    @Benchmark
    @Threads(1)
    public LiveProfile countDrift() {
        live.record(row);
        return live;
    }

    /** {@link #countDrift()} on two threads at once: the same counters' atomic adds from both, the worst case. */
    @Benchmark
    @Threads(2)
    public LiveProfile countDriftOnTwoThreads() {
        return countDrift();
    }

    /** {@link #predict()} on two threads at once: the model's own contention, the baseline for the next. */
    @Benchmark
    @Threads(2)
    public List<Prediction> predictOnTwoThreads() {
        return predict();
    }

    /** {@link #predictAndCountDrift()} on two threads at once, both counting into the one profile. */
    @Benchmark
    @Threads(2)
    public List<Prediction> predictAndCountDriftOnTwoThreads() {
        return predictAndCountDrift();
    }
}
