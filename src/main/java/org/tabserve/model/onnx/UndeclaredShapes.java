package org.tabserve.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;

/**
 * Reads the shape of the tensor outputs whose graph declares none (onnxmltools writes LightGBM's {@code probabilities}
 * so) from what the model returns for the warm-up row, so that such a model is served as if it had declared them: the
 * rest of the loader then sees {@code [10, 3]} where the file says nothing.
 */
final class UndeclaredShapes {

    private static final System.Logger LOG = System.getLogger(UndeclaredShapes.class.getName());

    private UndeclaredShapes() {}

    /**
     * @param outputInfo the graph's outputs as ONNX Runtime reads them
     * @param warmUp     one valid row, bound as {@code probe} says
     * @return {@code outputInfo}, each tensor output without a declared shape replaced by one with the shape the
     *         model returned; the same map when every output declares its shape
     * @throws IllegalArgumentException when the model fails on the warm-up row, in words with the fix
     */
    static Map<String, NodeInfo> filledIn(
            String source,
            OrtEnvironment env,
            OrtSession session,
            Map<String, NodeInfo> outputInfo,
            Batch warmUp,
            ModelSignature probe) {
        Set<String> undeclared = new LinkedHashSet<>();
        outputInfo.forEach((name, node) -> {
            if (node.getInfo() instanceof TensorInfo tensor && tensor.getShape().length == 0) {
                undeclared.add(name);
            }
        });
        if (undeclared.isEmpty()) {
            return outputInfo;
        }
        Map<String, NodeInfo> filled = new LinkedHashMap<>(outputInfo);
        try (InputBinder.Bound bound = new InputBinder(env, probe).bind(warmUp, 0, 1, probe.fixedBatch());
                OrtSession.Result result = session.run(bound.tensors(), undeclared)) {
            for (String name : undeclared) {
                OnnxValue value = result.get(name).orElseThrow();
                if (value instanceof OnnxTensor tensor) {
                    TensorInfo seen = tensor.getInfo();
                    filled.put(name, new NodeInfo(name, seen));
                    LOG.log(
                            System.Logger.Level.INFO,
                            "{0}: output ''{1}'' declares no shape; the warm-up row returned"
                                    + " {2}, which is how it is read",
                            source,
                            name,
                            ValueWords.shape(seen.getShape()));
                }
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    "its outputs " + String.join(", ", undeclared) + " declare no shape, and"
                            + " running one row to see their shape failed (" + OrtMessages.inWords(e) + "); declare the"
                            + " output shapes when exporting (e.g. [N, C] for probabilities)",
                    e);
        }
        return filled;
    }
}
