package org.tabserve.web.v2;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.RequestField;

/**
 * What an answer carries beside the outputs a request names, as more outputs and the answer's parameters, the same
 * for REST and gRPC, which each write them their own way: each described per-row field the request asked for
 * ({@link AnswerField}: explanation, uncertainty) and each request-level field the body carries
 * ({@link RequestField}), looped over in their described order.
 *
 * @param tensors    the outputs, after the predictions'
 * @param parameters the answer's parameters (empty: none)
 */
public record V2Extras(List<Tensor> tensors, Map<String, String> parameters) {

    /** The request-level fields the protocol carries in fields of its own: model_name, model_version, id. */
    private static final Set<RequestField> PROTOCOL_FIELDS =
            EnumSet.of(RequestField.MODEL_NAME, RequestField.MODEL_VERSION, RequestField.REQUEST_ID);

    /** One more output, with its values (Double or Boolean, as its datatype). */
    public record Tensor(V2Inference.Output output, List<?> values) {}

    /** @param answer a scored request's answer */
    public static V2Extras of(V2Inference.Answer answer) {
        List<Tensor> tensors = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        AnswerShape shape = shape(answer);
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, false)) {
                continue;
            }
            List<Tensor> outputs = switch (field) {
                // the outputs the request names, which each transport writes from the predictions
                case LABEL, PROBABILITIES, VALUE -> List.of();
                // for people and JSON's answers: the protocol's tensors carry the model's own outputs
                case DISPLAY_NAME, WARNINGS -> List.of();
                // the protocol refuses a request with a bad row whole
                case ERRORS -> List.of();
                case EXPLANATION -> {
                    V2Inference.Explained explained = V2Inference.Explained.of(answer);
                    parameters.putAll(explained.parameters());
                    yield explained.tensors();
                }
                case INTERVAL -> V2Coverage.interval(answer);
                case PREDICTION_SET -> List.of(V2Coverage.predictionSet(answer));
                case COVERAGE -> List.of(V2Coverage.coverage(answer));
                case NOVELTY -> List.of(V2Coverage.novelty(answer));
            };
            tensors.addAll(outputs);
        }
        if (answer.source() != null) {
            for (RequestField field : RequestField.values()) {
                if (field.inBody(answer.source()) && !PROTOCOL_FIELDS.contains(field)) {
                    parameters.put(field.key(), String.valueOf(field.value(answer.source())));
                }
            }
        }
        return new V2Extras(tensors, parameters);
    }

    /** What the answer's rows carry: its model's task, and what the request asked for. */
    private static AnswerShape shape(V2Inference.Answer answer) {
        return AnswerShape.of(
                answer.classifier().signature(),
                answer.explanations() != null,
                answer.uncertainties() != null,
                answer.uncertainties() != null
                        && !answer.uncertainties().isEmpty()
                        && answer.uncertainties().get(0).novelty() != null);
    }
}
