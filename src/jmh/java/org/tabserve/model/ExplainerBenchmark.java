package org.tabserve.model;

import java.io.IOException;
import java.nio.file.Path;
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
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * What one explained row costs (issue 24's goal: exact for up to 10 columns in at most 5 ms on one core; issue 38's:
 * at most 1 ms where the structure allows, 50 ms for 69 columns): one row of each model explained against its card's
 * background sample of 100 rows, on one thread, sampled so that JMH reports p50 and p99, with structural explanations
 * on ({@code structural=true}: trees and weights) and off (coalitions of rows, as before issue 38). The models are
 * carded by the real {@code card} command at setup: the bank-note model (a 4-column SVM: coalitions either way), the
 * penguin species pipeline (linear, 6 columns with text and missing values), the 69-input model (linear), the random
 * forest species pipeline (5 columns), the boosted-trees sex pipeline (5 columns) and the body-mass tree regressor
 * (6 columns), the 28-class SVM of 69 columns (no structure read here: sampled, issue 38's 4.2 s row) and the 10-input
 * linear model (by coalitions: the dearest exact row, 1 + 1,022 &times; 100 model rows); and the model's own share
 * of a row, its mixed rows predicted alone. A served request's row, through the version's kept explainer, is
 * {@code org.tabserve.serving.explanations.ExplanationRequestBenchmark}'s. Run: {@code mvn -B -Pjmh test-compile exec:exec
 * -Djmh.args="ExplainerBenchmark -t 1"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m") // ORT 1.29 overflowed a 1 MB thread stack (SIGSEGV) in JMH's worker thread
public class ExplainerBenchmark {

    @Param({"banknote", "species", "wide-69", "forest", "boosted", "mass", "classes-28", "wide-10"})
    public String model;

    @Param({"true", "false"})
    public boolean structural;

    private Model served;
    private Explainer explainer;
    private Batch row;
    private Batch mixedRows;

    @Setup
    public void card() throws IOException, InterruptedException {
        Path out = BenchFixtures.carded(model);
        served = OnnxModelLoader.load(out);
        Background background = served.card().background();
        explainer = new Explainer(served, background, structural);
        row = Batch.of(
                served.signature(),
                java.util.Collections.singletonList(background.cells().get(0)));
        explainer.explain(row, 0); // answers the background once, as a served model's first explanation does
        int count = (int) Math.min(Explainer.MAX_ROWS_PER_CALL, explainer.modelRowsPerRow(served.signature()) - 1);
        java.util.List<Object[]> cells = new java.util.ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            cells.add(background.cells().get(r % background.size()));
        }
        mixedRows = Batch.of(served.signature(), cells);
    }

    @TearDown
    public void close() {
        served.close();
    }

    /**
     * One row explained: from the trees or weights, else exact up to 10 columns, sampled beyond; the background's
     * answers, computed once per explainer, were computed at setup.
     */
    @Benchmark
    public Explanation explainOneRow() {
        return explainer.explain(row, 0);
    }

    /**
     * The model rows one explained row evaluates besides its own answer (2,040 for a sampled 69-column row, at most
     * {@link Explainer#MAX_ROWS_PER_CALL}), background rows answered by the model in one call, as the explainer's
     * mixed rows are: what the model alone costs, beside {@link #explainOneRow}, so that the explainer's own share
     * (mixing rows, decoding answers, the estimate) shows.
     */
    @Benchmark
    public java.util.List<Prediction> predictTheMixedRowsAlone() {
        return served.predict(mixedRows);
    }

    /**
     * The explained row's own answer, one model call of one row, which every explanation by coalitions makes beside
     * its mixed rows' calls: a model call's fixed cost (a graph of many nodes pays each node's once a call).
     */
    @Benchmark
    public java.util.List<Prediction> predictTheRowAlone() {
        return served.predict(row);
    }
}
