package org.tabserve.predictionlog;

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
import org.tabserve.model.Batch;
import org.tabserve.model.LiveProfile;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;
import org.tabserve.model.onnx.OnnxModelLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What the two hooks on every scored batch cost a single-row prediction of the bundled model, with and without them
 * in one run (issue 24: no lock on the scoring path that shows in the single-row figure): the prediction alone; with
 * the live drift profile counting the row ({@link LiveProfile#record}); and with the prediction log sampling every
 * request too ({@link PredictionLog#offer}, its writer thread writing to a temporary directory). Run on one and on two
 * threads, so that contention between request threads would show:
 * {@code mvn -B -Pjmh test-compile exec:exec -Djmh.args="ScoringHooks -t 1"} (and {@code -t 2}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m")
public class ScoringHooksBenchmark {

    private Model model;
    private LiveProfile live;
    private PredictionLog log;
    private Path directory;
    private Batch row;

    @Setup(Level.Trial)
    public void start() throws IOException {
        model = OnnxModelLoader.load(Path.of("model.onnx"));
        live = new LiveProfile(model.signature(), model.card());
        directory = Files.createTempDirectory("tabserve-hooks-bench");
        log = PredictionLog.start(new PredictionLogOptions(directory, 1, Set.of(), 64L << 20, 2, 10_000));
        row = Batch.ofNumbers(model.signature(), new double[][]{{3.6216, 8.6661, -2.8073, -0.44699}});
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        log.close();
        model.close();
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    @Benchmark
    public List<Prediction> predict() {
        return model.predict(row);
    }

    @Benchmark
    public List<Prediction> predictAndCountDrift() {
        List<Prediction> predictions = model.predict(row);
        live.record(row);
        return predictions;
    }

    @Benchmark
    public List<Prediction> predictCountDriftAndLog() {
        long started = System.nanoTime();
        List<Prediction> predictions = model.predict(row);
        live.record(row);
        if (log.sampled()) {
            log.offer(new ScoredCall("bench", "POST /api/predict", "banknote", 1, model, Instant.now(),
                    System.nanoTime() - started, row, predictions));
        }
        return predictions;
    }
}
