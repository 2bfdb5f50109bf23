package org.tabserve.model.onnx.engine;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.ml.Coefficients;
import org.tabserve.model.onnx.plain.LinearTerms;
import org.tabserve.model.onnx.plain.PlainGraph;
import org.tabserve.model.onnx.plain.PlainTensor;
import org.tabserve.model.onnx.plain.Unsupported;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;

/**
 * A model's batches run by its graph compiled to plain Java ({@link PlainGraph}) instead of an ONNX Runtime call: the
 * batch's typed columns become the graph's inputs as they are, and its values are decoded by the model's own decoder
 * (in {@code model.onnx}, as ONNX Runtime's are). Batches of every size, so that a row's answer has the same bits alone,
 * in any batch and on any route (issue 66): the plain graph does a row's arithmetic the same way whatever the batch
 * (checked at load, {@link PlainCheck}), and ONNX Runtime's answers differ from it in their last bits, so one engine
 * answers every batch of a model. One ONNX Runtime call costs about 4 µs of CPU
 * (bench/RESULTS.md, issue 38), more than a small model's arithmetic; in large batches a bare linear model costs about
 * 25 ns a row more here, a pipeline with a one-hot encoder or an imputer less (bench/RESULTS.md, issue 66). A batch's
 * rows are given to a plain graph one way, for the engine and for the check of a linear model's rows that runs before
 * any engine ({@link #rowCheck}).
 */
public final class PlainEngine {

    private static final System.Logger LOG = System.getLogger(PlainEngine.class.getName());

    private final PlainGraph graph;
    private final ModelSignature signature;

    private PlainEngine(PlainGraph graph, ModelSignature signature) {
        this.graph = graph;
        this.signature = signature;
    }

    /**
     * @param outputs the values the model's decoder reads
     * @throws Unsupported when a needed node, or an input's type, is not run in plain Java, or the graph takes a fixed
     *                     batch (whose padded chunks ONNX Runtime runs)
     */
    public static PlainEngine compile(OnnxGraph graph, ModelSignature signature, Collection<String> outputs)
            throws Unsupported {
        if (signature.fixedBatch() > 0) {
            throw new Unsupported("it takes a fixed batch of " + signature.fixedBatch() + " rows, which ONNX Runtime"
                    + " runs padded");
        }
        takes(signature.inputs());
        return new PlainEngine(PlainGraph.compile(graph, outputs), signature);
    }

    /**
     * The graph's values for rows {@code [from, from + count)} of the batch: an input the rows fill whole is given to
     * the graph as it is (no operator writes its inputs), a part of one copied.
     */
    public Map<String, PlainTensor> run(Batch batch, int from, int count) {
        return graph.run(given(signature.inputs(), batch, from, count));
    }

    /**
     * @return rows {@code [from, from + count)} of the batch as a plain graph's inputs, by name: an input the rows
     *         fill whole as it is (no operator writes its inputs), a part of one copied
     */
    static Map<String, PlainTensor> given(List<ModelInput> inputs, ModelSignature.Rows batch, int from, int count) {
        Map<String, PlainTensor> given = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            ModelInput input = inputs.get(i);
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
        return given;
    }

    /** @throws Unsupported for an input of a type no plain graph is given */
    private static void takes(List<ModelInput> inputs) throws Unsupported {
        for (ModelInput input : inputs) {
            if (input.type() == ValueType.INT32 || input.type() == ValueType.BOOL) {
                throw new Unsupported("input '" + input.name() + "' of type " + input.type());
            }
        }
    }

    /**
     * The model's own check of whole rows ({@link ModelSignature.RowCheck}) when its answers need a LinearClassifier
     * or LinearRegressor: a row whose linear score overflows float in some order of adding its terms
     * ({@link Coefficients#orderless}) is refused before any engine runs it, since whether its score is finite then
     * depends on the order of adding, which is not the same alone and in a batch in ONNX Runtime, nor in plain Java
     * and ONNX Runtime (issue 61, item 9). Whichever engine the model uses, ONNX Runtime's included.
     *
     * @param outputs the values the model's decoder reads
     * @return the check, or {@link ModelSignature.RowCheck#NONE} when no row can be orderless (no linear operator, or
     *     none that a float input can make so), or when the linear operators' inputs are not computed in plain Java
     *     (said in the log: such a model's rows are left to its engine, as before)
     */
    public static ModelSignature.RowCheck rowCheck(
            String source, OnnxGraph graph, List<ModelInput> inputs, Collection<String> outputs) {
        LinearTerms terms;
        try {
            takes(inputs);
            Set<String> numbers = new HashSet<>();
            inputs.stream().filter(i -> i.type().isNumber()).forEach(i -> numbers.add(i.name()));
            terms = LinearTerms.compile(graph, outputs, numbers);
        } catch (Unsupported e) {
            if (graph.nodes().stream()
                    .anyMatch(node -> node.opType().equals("LinearClassifier")
                            || node.opType().equals("LinearRegressor"))) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "{0}: rows whose linear score overflows float in some order of adding are not refused before"
                                + " its engine runs them; their answer may depend on the batch ({1})",
                        source,
                        e.getMessage());
            }
            return ModelSignature.RowCheck.NONE;
        }
        if (terms == null
                || (terms.safeInput() >= Float.MAX_VALUE
                        && inputs.stream().noneMatch(i -> i.type() == ValueType.DOUBLE))) {
            return ModelSignature.RowCheck.NONE;
        }
        return new LinearOverflow(terms, inputs);
    }

    /** {@link #rowCheck}'s check of a model whose linear scores some rows can make orderless. */
    private static final class LinearOverflow implements ModelSignature.RowCheck {

        private final LinearTerms terms;
        private final List<ModelInput> inputs;
        /**
         * A number input's magnitude up to which no row is orderless: a row within it costs a comparison a value. Below
         * 0 where none is safe: every row is computed.
         */
        private final double safe;

        LinearOverflow(LinearTerms terms, List<ModelInput> inputs) {
            this.terms = terms;
            this.inputs = inputs;
            this.safe = terms.safeInput();
        }

        @Override
        public void check(ModelSignature.Rows batch, boolean[] skip, ModelSignature.FieldErrors errors) {
            if (!anyBeyond(batch)) {
                return; // the usual batch: one pass over its numbers, nothing computed
            }
            int first = -1;
            int last = -1;
            for (int r = 0; r < batch.size(); r++) {
                if ((skip == null || !skip[r]) && beyond(batch, r)) {
                    first = first < 0 ? r : first;
                    last = r;
                }
            }
            if (first < 0) {
                return; // the values beyond were in rows whose cells were refused
            }
            boolean[] orderless = orderless(batch, first, last - first + 1, skip);
            for (int r = first; r <= last; r++) {
                if (orderless[r - first]) {
                    refuse(batch, r, errors);
                }
            }
        }

        /** @return whether one of the batch's number values is beyond {@link #safe} in magnitude (a NaN is not) */
        private boolean anyBeyond(ModelSignature.Rows batch) {
            if (safe < 0) {
                return true; // a NaN too may be imputed into a score that no magnitude keeps safe
            }
            for (int i = 0; i < inputs.size(); i++) {
                Object data = batch.data(i);
                if (data instanceof float[] floats) {
                    for (float v : floats) {
                        if (Math.abs(v) > safe) {
                            return true;
                        }
                    }
                } else if (data instanceof double[] doubles) {
                    for (double v : doubles) {
                        if (Math.abs(v) > safe) {
                            return true;
                        }
                    }
                } else if (data instanceof long[] longs) {
                    for (long v : longs) {
                        if (Math.abs((double) v) > safe) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        /** @return whether one of the row's number values is beyond {@link #safe} in magnitude (a NaN is not) */
        private boolean beyond(ModelSignature.Rows batch, int r) {
            if (safe < 0) {
                return true;
            }
            for (int i = 0; i < inputs.size(); i++) {
                int width = inputs.get(i).width();
                int at = r * width;
                Object data = batch.data(i);
                if (data instanceof float[] floats) {
                    for (int c = at; c < at + width; c++) {
                        if (Math.abs(floats[c]) > safe) {
                            return true;
                        }
                    }
                } else if (data instanceof double[] doubles) {
                    for (int c = at; c < at + width; c++) {
                        if (Math.abs(doubles[c]) > safe) {
                            return true;
                        }
                    }
                } else if (data instanceof long[] longs) {
                    for (int c = at; c < at + width; c++) {
                        if (Math.abs((double) longs[c]) > safe) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        /**
         * @return for rows {@code [from, from + count)}, whether each is beyond the safe magnitude and orderless: the
         *     rows computed at once, or, where the plain graph cannot take one of them (a row whose cells were
         *     refused), each row beyond alone; a row it cannot take alone is left to the engine
         */
        private boolean[] orderless(ModelSignature.Rows batch, int from, int count, boolean[] skip) {
            boolean[] orderless = new boolean[count];
            boolean[] all = null;
            try {
                all = terms.orderless(given(inputs, batch, from, count), count);
            } catch (RuntimeException e) {
                // computed row by row below
            }
            for (int r = from; r < from + count; r++) {
                if ((skip != null && skip[r]) || !beyond(batch, r)) {
                    continue;
                }
                if (all != null) {
                    orderless[r - from] = all[r - from];
                    continue;
                }
                try {
                    orderless[r - from] = terms.orderless(given(inputs, batch, r, 1), 1)[0];
                } catch (RuntimeException e) {
                    // a row the plain graph cannot take: its engine answers it, or refuses it, as before
                }
            }
            return orderless;
        }

        /**
         * Names the row's number features beyond the safe magnitude, and that magnitude: once they are within it, as
         * the others are, the row is taken. A model with no safe magnitude (an input no node before its estimator
         * bounds, or an intercept near float's largest) has the row itself named.
         */
        private void refuse(ModelSignature.Rows batch, int r, ModelSignature.FieldErrors errors) {
            String why = " too large for this model: its score overflows float (in some order of adding its terms, so"
                    + " that whether it is finite would depend on how it is computed)";
            if (safe <= 0) {
                errors.add(r, "row", "the row is" + why);
                return;
            }
            List<Feature> features = batch.signature().features();
            for (int f = 0; f < features.size(); f++) {
                if (features.get(f).type().isNumber() && Math.abs(batch.number(r, f)) > safe) {
                    String name = features.get(f).name();
                    errors.add(
                            r, name, "'" + name + "' is" + why + "; every value within ±" + (float) safe + " is taken");
                }
            }
        }
    }

    /** @return elements {@code [lo, hi)} of the array {@code data}, copied into an array of the same type */
    private static Object slice(Object data, int lo, int hi) {
        Object part = Array.newInstance(data.getClass().getComponentType(), hi - lo);
        System.arraycopy(data, lo, part, 0, hi - lo);
        return part;
    }

    /** @return how many nodes a run computes */
    int nodes() {
        return graph.nodes();
    }
}
