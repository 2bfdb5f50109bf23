package org.tabserve.web.v2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a request asked for beside its predictions, as more outputs of its answer and the answer's parameters, the same
 * for REST and gRPC, which each write them their own way: each row's explanation ({@link V2Inference.Explained}) and
 * uncertainty ({@link V2Coverage}). A new per-answer field is one line in {@link #of}.
 *
 * @param tensors    the outputs, after the predictions'
 * @param parameters the answer's parameters (empty: none)
 */
record V2Extras(List<Tensor> tensors, Map<String, String> parameters) {

    /** One more output, with its values (Double or Boolean, as its datatype). */
    record Tensor(V2Inference.Output output, List<?> values) {}

    /** @param answer a scored request's answer */
    static V2Extras of(V2Inference.Answer answer) {
        List<Tensor> tensors = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        if (answer.explanations() != null) {
            V2Inference.Explained explained = V2Inference.Explained.of(answer);
            tensors.addAll(explained.tensors());
            parameters.putAll(explained.parameters());
        }
        if (answer.uncertainties() != null) {
            tensors.addAll(V2Coverage.tensors(answer));
        }
        return new V2Extras(tensors, parameters);
    }
}
