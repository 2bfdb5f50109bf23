package org.tabserve.model.onnx;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.tabserve.model.Batch;
import org.tabserve.model.ModelInput;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.ValueType;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.plain.PlainGraph;
import org.tabserve.model.onnx.plain.PlainTensor;
import org.tabserve.model.onnx.plain.Unsupported;

/**
 * A model's small batches run by its graph compiled to plain Java ({@link PlainGraph}) instead of an ONNX Runtime
 * call: the batch's typed columns become the graph's inputs as they are, and its values are decoded by the model's
 * own {@link OutputDecoder}. One ONNX Runtime call costs about 4 µs of CPU from one thread and 6.5–8.6 µs from 16 at
 * once (bench/RESULTS.md, issue 38), more than a small model's arithmetic. Per row in large batches ONNX Runtime is
 * cheaper for some operators and dearer for others: a graph whose operators all cost less in plain Java
 * ({@link PlainGraph#cheaperInLargeBatches}: the tree ensembles and the SVM, measured) runs batches of every size here;
 * any other keeps batches of more than {@value #MAX_ROWS} rows on ONNX Runtime, except where ONNX Runtime is known to
 * be wrong ({@link OrtKnownErrors}: {@link #everyBatch}). The choice follows from the graph alone, never from a
 * timing, so a model's answers never depend on the machine's load.
 */
final class PlainEngine {

    /**
     * The most rows a plain run takes for a graph not {@link PlainGraph#cheaperInLargeBatches cheaper in large
     * batches}; larger batches go to ONNX Runtime, whose per-row cost is lower there.
     */
    static final int MAX_ROWS = 16;

    private final PlainGraph graph;
    private final ModelSignature signature;
    private final int maxRows;

    private PlainEngine(PlainGraph graph, ModelSignature signature, int maxRows) {
        this.graph = graph;
        this.signature = signature;
        this.maxRows = maxRows;
    }

    /**
     * @param outputs the values the model's decoder reads
     * @throws Unsupported when a needed node, or an input's type, is not run in plain Java, or the graph takes a fixed
     *                     batch (whose padded chunks ONNX Runtime runs)
     */
    static PlainEngine compile(OnnxGraph graph, ModelSignature signature, Collection<String> outputs)
            throws Unsupported {
        if (signature.fixedBatch() > 0) {
            throw new Unsupported("it takes a fixed batch of " + signature.fixedBatch() + " rows, which ONNX Runtime"
                    + " runs padded");
        }
        for (ModelInput input : signature.inputs()) {
            if (input.type() == ValueType.INT32 || input.type() == ValueType.BOOL) {
                throw new Unsupported("input '" + input.name() + "' of type " + input.type());
            }
        }
        PlainGraph plain = PlainGraph.compile(graph, outputs);
        return new PlainEngine(plain, signature, plain.cheaperInLargeBatches() ? Integer.MAX_VALUE : MAX_ROWS);
    }

    /**
     * The graph's values for rows {@code [from, from + count)} of the batch: an input the rows fill whole is given to
     * the graph as it is (no operator writes its inputs), a part of one copied.
     */
    RunOutputs run(Batch batch, int from, int count) {
        Map<String, PlainTensor> given = new HashMap<>();
        for (int i = 0; i < signature.inputs().size(); i++) {
            ModelInput input = signature.inputs().get(i);
            int width = input.width();
            int lo = from * width;
            int hi = (from + count) * width;
            Object data = batch.data(i);
            Object part = lo == 0 && hi == Array.getLength(data) ? data : slice(data, lo, hi);
            PlainTensor tensor = switch (input.type()) {
                case FLOAT -> PlainTensor.floats(count, width, (float[]) part);
                case DOUBLE -> PlainTensor.doubles(count, width, (double[]) part);
                case INT64 -> PlainTensor.longs(count, width, (long[]) part);
                case STRING -> PlainTensor.strings(count, width, (String[]) part);
                default -> throw new IllegalStateException("input type " + input.type());
            };
            given.put(input.name(), input.rank() == 1 ? tensor.asRank1() : tensor);
        }
        return RunOutputs.of(graph.run(given));
    }

    /** @return the same engine for batches of every size: for a graph on which ONNX Runtime is known to be wrong */
    PlainEngine everyBatch() {
        return new PlainEngine(graph, signature, Integer.MAX_VALUE);
    }

    /** @return elements {@code [lo, hi)} of the array {@code data}, copied into an array of the same type */
    private static Object slice(Object data, int lo, int hi) {
        Object part = Array.newInstance(data.getClass().getComponentType(), hi - lo);
        System.arraycopy(data, lo, part, 0, hi - lo);
        return part;
    }

    /** @return the most rows a batch it runs may have: {@link #MAX_ROWS}, or every batch */
    int maxRows() {
        return maxRows;
    }

    /** @return whether it runs batches of every size: its graph is cheaper in large batches, or {@link #everyBatch} */
    boolean takesEveryBatch() {
        return maxRows == Integer.MAX_VALUE;
    }

    /** @return how many nodes a run computes */
    int nodes() {
        return graph.nodes();
    }
}
