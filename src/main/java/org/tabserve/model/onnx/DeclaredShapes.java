package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.onnx.graph.Dimension;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxType;
import org.tabserve.model.onnx.graph.OnnxValueInfo;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;

/**
 * Says once, when a model loads, in the app's log, which of its outputs return another shape than the one the graph
 * declares (older LightGBM converters declare {@code label} {@code [1]}, and it returns {@code [N]}). ONNX Runtime
 * checks this after every call and warns on stderr, in colour and outside the app's log, once per call of every
 * request, {@code card} and {@code score} included; so every session logs only errors ({@link #SESSION_LOG_LEVEL})
 * and this check says it once instead. tabserve reads what a model returns, so the answers are not affected.
 */
final class DeclaredShapes {

    /**
     * What every session logs: errors only. ONNX Runtime's warnings come on stderr from native code, past the app's
     * log and its levels; the one a served model can repeat on every call is said once at load by {@link #say}.
     */
    static final OrtLoggingLevel SESSION_LOG_LEVEL = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;

    private static final System.Logger LOG = System.getLogger(DeclaredShapes.class.getName());

    /** Rows of the check's run when the batch is free: one row cannot tell a declared {@code [1]} from {@code [N]}. */
    private static final int ROWS = 2;

    private DeclaredShapes() {}

    /**
     * Runs {@code row} as a batch of two rows (or the model's fixed batch) and logs each tensor output whose declared
     * shape the result disagrees with, as ONNX Runtime compares them: another rank, or another size where the graph
     * fixes one. Outputs that declare no shape are left to {@link UndeclaredShapes}, which says what they return.
     *
     * @param graph the graph as tabserve read it; null (a graph only ONNX Runtime could read) skips the check
     * @param row   one valid row for {@code signature}, such as the warm-up's
     */
    static void say(
            String source,
            OrtEnvironment env,
            OrtSession session,
            OnnxGraph graph,
            ModelSignature signature,
            Object[] row) {
        if (graph == null) {
            return;
        }
        Map<String, List<Dimension>> declared = new LinkedHashMap<>();
        Set<String> served = session.getOutputNames();
        for (OnnxValueInfo output : graph.outputs()) {
            if (output.type() instanceof OnnxType.Tensor tensor && served.contains(output.name())) {
                tensor.shape().filter(dims -> !dims.isEmpty()).ifPresent(dims -> declared.put(output.name(), dims));
            }
        }
        if (declared.isEmpty()) {
            return;
        }
        int rows = signature.fixedBatch() > 0 ? signature.fixedBatch() : ROWS;
        try (InputBinder binder = new InputBinder(env, signature);
                InputBinder.Bound bound = binder.bind(
                        Batch.of(signature, Collections.nCopies(rows, row)), 0, rows, signature.fixedBatch());
                OrtSession.Result result = session.run(bound.tensors(), declared.keySet())) {
            for (Map.Entry<String, List<Dimension>> output : declared.entrySet()) {
                OnnxValue value = result.get(output.getKey()).orElse(null);
                if (value instanceof OnnxTensor tensor
                        && !agrees(output.getValue(), tensor.getInfo().getShape())) {
                    LOG.log(
                            System.Logger.Level.INFO,
                            "{0}: output ''{1}'' declares the shape {2} and returns {3} for {4}"
                                    + " rows; tabserve reads what it returns, and ONNX Runtime''s warning about this on every"
                                    + " call is not shown",
                            source,
                            output.getKey(),
                            output.getValue(),
                            Arrays.toString(tensor.getInfo().getShape()),
                            rows);
                }
            }
        } catch (OrtException | RuntimeException e) {
            // The warm-up has scored a row already: a check that cannot run only leaves this unsaid.
            LOG.log(System.Logger.Level.DEBUG, source + ": its outputs' declared shapes could not be checked", e);
        }
    }

    /** Whether a returned shape fits the declared one as ONNX Runtime judges it: the same rank, fixed sizes equal. */
    static boolean agrees(List<Dimension> declared, long[] returned) {
        if (declared.size() != returned.length) {
            return false;
        }
        for (int i = 0; i < returned.length; i++) {
            if (declared.get(i).isFixed() && declared.get(i).size().getAsLong() != returned[i]) {
                return false;
            }
        }
        return true;
    }
}
