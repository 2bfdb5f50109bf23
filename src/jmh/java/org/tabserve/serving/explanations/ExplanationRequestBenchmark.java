package org.tabserve.serving.explanations;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;

/**
 * What a one-row request's explanation costs in model work (issue 38, goal 3): through the version's kept explainer
 * ({@link ModelExplainers}, as requests are served now: the background's answers computed once per version), against a
 * new explainer per request, as they were served before (the background's 100 rows answered again each time). The
 * models are carded by the real {@code card} command at setup: the bank note (a 4-column SVM, exact by coalitions:
 * 1,401 model rows a row, 1,501 with the background) and the 28-class SVM of 69 columns (sampled: 2,041, or 2,141).
 * Run: {@code mvn -B -Pjmh test-compile exec:exec -Djmh.args="ExplanationRequest -t 1"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m") // ORT 1.29 overflowed a 1 MB thread stack (SIGSEGV) in JMH's worker thread
public class ExplanationRequestBenchmark {

    @Param({"banknote", "classes-28"})
    public String model;

    private Model served;
    private ModelExplainers explainers;
    private Batch row;

    @Setup
    public void card() throws IOException, InterruptedException {
        served = OnnxModelLoader.load(BenchFixtures.carded(model));
        explainers = new ModelExplainers(true);
        row = Batch.of(
                served.signature(),
                List.<Object[]>of(served.card().background().cells().get(0)));
        explainers.of(model, 1, served).explain(row, 0); // the version's first explanation answers its background
    }

    @TearDown
    public void close() {
        served.close();
    }

    /** One row of a request explained by its version's kept explainer, as requests are served now. */
    @Benchmark
    public Explanation keptExplainer() {
        return explainers.of(model, 1, served).explain(row, 0);
    }

    /** One row of a request explained by a new explainer, as each request was before: the background answered too. */
    @Benchmark
    public Explanation newExplainerPerRequest() {
        return new Explainer(served, served.card().background()).explain(row, 0);
    }
}
