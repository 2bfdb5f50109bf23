package org.tabserve.serving.feedback;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.serving.budget.MemoryBudgetSeam;

/**
 * What the feedback hook costs one answered row of the bundled bank-note model (issue 37): the prediction alone, and
 * with {@link FeedbackMonitor#answered} counting its confidence and keeping it under a fresh request id, as every
 * route does; on one thread and on two at once, sharing the version's answers (its lock). Run:
 * {@code mvn -B -Pjmh test-compile exec:exec -Djmh.args="FeedbackHook"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m")
public class FeedbackHookBenchmark {

    private Model served;
    private Batch row;
    private FeedbackMonitor feedback;
    private final AtomicLong ids = new AtomicLong();

    @Setup
    public void start() throws IOException {
        served = OnnxModelLoader.load(Path.of("model.onnx"));
        row = Batch.ofNumbers(served.signature(), new double[][] {{3.6216, 8.6661, -2.8073, -0.44699}});
        feedback = new FeedbackMonitor(new PrometheusRegistry());
        feedback.keepWithin(MemoryBudgetSeam.of(256L << 20));
    }

    @TearDown
    public void stop() {
        served.close();
    }

    @Benchmark
    @Threads(1)
    public List<Prediction> predict() {
        return served.predict(row);
    }

    @Benchmark
    @Threads(1)
    public List<Prediction> predictAndKeepForLabels() {
        List<Prediction> predictions = served.predict(row);
        feedback.answered(
                "bench",
                1,
                served,
                FeedbackMonitor.NOBODY,
                RequestIds.next(),
                true,
                0,
                0,
                predictions,
                FeedbackMonitor.NOBODY,
                AnswerTrace.NONE);
        return predictions;
    }

    /** The hook alone, with a cheap id: its own cost, apart from ONNX Runtime's variance and the id's. */
    @Benchmark
    @Threads(1)
    public FeedbackMonitor keepForLabels() {
        feedback.answered(
                "bench",
                1,
                served,
                FeedbackMonitor.NOBODY,
                Long.toString(ids.incrementAndGet()),
                false,
                0,
                0,
                ANSWER,
                FeedbackMonitor.NOBODY,
                AnswerTrace.NONE);
        return feedback;
    }

    @Benchmark
    @Threads(2)
    public List<Prediction> predictOnTwoThreads() {
        return predict();
    }

    @Benchmark
    @Threads(2)
    public List<Prediction> predictAndKeepForLabelsOnTwoThreads() {
        return predictAndKeepForLabels();
    }

    private static final List<Prediction> ANSWER =
            List.of(new Prediction.Classification("0", List.of("0", "1"), List.of(0.99, 0.01)));
}
