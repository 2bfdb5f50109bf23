package org.tabserve.model.onnx.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.plain.CpuRounds;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * Issue 66, item 2: a whole model's answers (its graph and the decoding of its outputs into predictions) per row, in
 * the plain engine and in ONNX Runtime, one row a call and in batches of 1,000, as the thread's own CPU time in rounds
 * alternating the engines: what running a graph's every batch in plain Java (the same bits in every batch) costs or
 * saves against ONNX Runtime's large batches. Rows are the load check's ({@link PlainCheck#rows}), repeated to 1,000:
 * {@code java -Xss8m -cp target/test-classes:target/classes:<deps> org.tabserve.model.onnx.engine.EngineCpuPerRow 2 3
 * model.onnx src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx} (seconds a measurement, rounds,
 * models).
 */
public final class EngineCpuPerRow {

    private static final int BATCH = 1_000;

    private EngineCpuPerRow() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        for (int m = 2; m < args.length; m++) {
            Path file = Path.of(args[m]);
            try (CheckedModel model = (CheckedModel) OnnxModelLoader.load(file)) {
                PlainEngine plain = PlainEngine.compile(
                        GraphParser.parse(file), model.signature(), List.copyOf(model.outputNames()));
                List<Object[]> distinct = PlainCheck.rows(model.card(), model.signature());
                List<Object[]> rows = new ArrayList<>();
                while (rows.size() < BATCH) {
                    rows.add(distinct.get(rows.size() % distinct.size()));
                }
                Batch batch = Batch.of(model.signature(), rows);
                List<Batch> ones = new ArrayList<>();
                for (Object[] row : rows) {
                    ones.add(Batch.of(model.signature(), List.<Object[]>of(row)));
                }
                int[] next = {0};
                CpuRounds.Call[] calls = {
                    () -> first(model.predictPlain(plain, ones.get(next[0]++ % BATCH), 0, 1)),
                    () -> first(model.predictOnnxRuntime(ones.get(next[0]++ % BATCH))),
                    () -> first(model.predictPlain(plain, batch, 0, BATCH)),
                    () -> first(model.predictOnnxRuntime(batch))
                };
                CpuRounds.print(
                        file.getFileName() + " ",
                        new String[] {"plain single", "ort single", "plain batch", "ort batch"},
                        calls,
                        new int[] {1, 1, BATCH, BATCH},
                        seconds,
                        rounds);
            }
        }
    }

    private static float first(List<Prediction> predictions) {
        Prediction last = predictions.get(predictions.size() - 1);
        return last instanceof Prediction.Regression r
                ? (float) r.value()
                : (float) (double) last.classification().probabilities().get(0);
    }
}
