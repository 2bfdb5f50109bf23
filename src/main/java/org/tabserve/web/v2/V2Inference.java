package org.tabserve.web.v2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.ClientWatch;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.ValueOutput;
import org.tabserve.model.signature.ValueType;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.Scoring;

/**
 * Answers one Open Inference Protocol inference request, whichever transport carried it: checks it against the
 * request's model ({@link V2RequestReader}), runs the model and builds the output tensors (a classifier's
 * {@code label} and {@code probabilities}, a regressor's one output under the graph's name). The REST route writes
 * the answer as JSON and the gRPC service as protobuf, so both give the same answers and the same refusals.
 */
public final class V2Inference {

    private final int maxBatchRows;

    /** @param maxBatchRows the most rows one request may hold */
    public V2Inference(int maxBatchRows) {
        this.maxBatchRows = maxBatchRows;
    }

    /** @return the reader that checks requests for {@code model} */
    public V2RequestReader reader(Model model) {
        return new V2RequestReader(model.signature(), outputNames(model), maxBatchRows);
    }

    /**
     * A request's answer before a transport writes it: its rows' predictions (and explanations, when it asked) and the
     * outputs it asked for, in its order. REST writes it through {@link #json}, gRPC straight from the predictions.
     *
     * @param modelVersion the version answering, or null for a model without versions
     * @param id           the caller's request id, to echo, or null
     * @param scored       the rows as scored, with their explanations and uncertainties when asked
     * @param source       the answer's request-level values
     */
    public record Answer(
            String modelName,
            String modelVersion,
            String id,
            List<String> outputs,
            Model classifier,
            ScoredRows scored,
            AnswerSource source) {
        public List<Prediction> predictions() {
            return scored.predictions();
        }

        /** @return each row's explanation, or null when the request did not ask */
        List<Explanation> explanations() {
            return scored.explanations();
        }

        /** @return each row's uncertainty, or null when the request asked for no coverage */
        List<Uncertainty> uncertainties() {
            return scored.uncertainties();
        }
    }

    /**
     * Scores a checked request through the scoring entry point; when it asks, explains each row too.
     *
     * @param watch how the request notices that its client has gone while its rows are explained
     */
    public static Answer run(
            Scoring scoring, ResolvedModel model, V2InferRequestParser.V2InferRequest infer, ClientWatch watch) {
        AnswerAssembler assembler = scoring.of(model, infer.coverage());
        ScoredRows scored = assembler.scoreRows(infer.batch(), infer.explain(), watch);
        return new Answer(
                model.name(),
                model.version().map(String::valueOf).orElse(null),
                infer.id(),
                infer.outputs(),
                model.model(),
                scored,
                assembler.source());
    }

    /**
     * The answer's outputs as JSON records; when it was asked, each row's explanation too, as three more outputs:
     * {@value #BASE_VALUE_OUTPUT} and {@value #EXPLAINED_OUTPUT} ({@code [N]}) and {@value #CONTRIBUTIONS_OUTPUT}
     * ({@code [N, F]}, the columns in the model's feature order), with the answer's parameters
     * {@value #EXPLAINED_PARAMETER} and {@value #METHOD_PARAMETER}.
     */
    static V2Json.InferResponse json(Answer answer) {
        List<Prediction> predictions = answer.predictions();
        List<V2Json.OutputTensor> outputs = new ArrayList<>();
        for (String name : answer.outputs()) {
            Output output = output(name, answer);
            outputs.add(output.tensor(
                    switch (name) {
                        case V2Json.LABEL_OUTPUT -> labels(predictions);
                        case V2Json.PROBABILITIES_OUTPUT -> probabilities(predictions);
                        default -> values(predictions, output.datatype());
                    }));
        }
        V2Extras extras = V2Extras.of(answer);
        for (V2Extras.Tensor tensor : extras.tensors()) {
            outputs.add(tensor.output().tensor(tensor.values()));
        }
        return new V2Json.InferResponse(
                answer.modelName(),
                answer.modelVersion(),
                answer.id(),
                extras.parameters().isEmpty() ? null : extras.parameters(),
                outputs);
    }

    /**
     * An output's name, datatype and shape, given once for both transports, which fill in its values each its own way.
     */
    public record Output(String name, String datatype, List<Long> shape) {

        /** @return this output with {@code data} as REST's JSON record */
        V2Json.OutputTensor tensor(List<?> data) {
            return new V2Json.OutputTensor(name, datatype, shape, data);
        }
    }

    /**
     * @param name one of the answer's outputs ({@link #outputNames})
     * @return its description: a classifier's {@code label} (BYTES, {@code [N]}) and {@code probabilities} (FP32,
     *         {@code [N, classes]}); a regressor's values ({@code [N, 1]}, in the output's own element type)
     */
    public static Output output(String name, Answer answer) {
        long rows = answer.predictions().size();
        return switch (name) {
            case V2Json.LABEL_OUTPUT -> new Output(name, "BYTES", List.of(rows));
            case V2Json.PROBABILITIES_OUTPUT ->
                new Output(name, "FP32", List.of(rows, (long)
                        answer.classifier().signature().classLabels().size()));
            default -> {
                ValueOutput value = answer.classifier().valueOutput().orElseThrow();
                yield new Output(value.name(), value.type().v2Name(), List.of(rows, 1L));
            }
        };
    }

    /**
     * The outputs as the protocol names them: a classifier's {@code label} and {@code probabilities}, or a regressor's
     * one output under the graph's own name.
     */
    static List<String> outputNames(Model classifier) {
        return classifier.valueOutput().map(v -> List.of(v.name())).orElse(V2InferRequestParser.CLASSIFIER_OUTPUTS);
    }

    /** The output of each row's base value (the mean answer over the card's background sample). */
    static final String BASE_VALUE_OUTPUT = "explanation_base_value";
    /** The output of what each row's explanation explains: the predicted class's probability, or the value. */
    static final String EXPLAINED_OUTPUT = "explanation_output";
    /** The output of each row's contributions, one per feature in the model's order: they add up to the explained. */
    static final String CONTRIBUTIONS_OUTPUT = "explanation_contributions";
    /** The answer's parameter saying what the explanations explain: probability, margin or value. */
    static final String EXPLAINED_PARAMETER = "explanation_explained";
    /** The answer's parameter saying how the explanations were computed: exact, permutation, tree or linear. */
    static final String METHOD_PARAMETER = "explanation_method";

    /**
     * Each row's explanation as the values of the three outputs it adds, whichever transport writes them.
     *
     * @param base          each row's base value
     * @param output        what each row's explanation explains
     * @param contributions each row's contributions, row-major, the columns in the model's feature order
     * @param features      how many features each row has a contribution for
     * @param quantity      what they explain ({@link Explanation#explained()}), or null when there is no row
     * @param method        how they were computed ({@link Explanation#method()}), or null when there is no row
     */
    record Explained(
            List<Double> base,
            List<Double> output,
            List<Double> contributions,
            int features,
            String quantity,
            String method) {

        /** @param answer an answer to a request that asked for explanations */
        static Explained of(Answer answer) {
            List<String> features = answer.classifier().signature().featureNames();
            List<Double> base = new ArrayList<>();
            List<Double> output = new ArrayList<>();
            List<Double> contributions = new ArrayList<>();
            for (Explanation explanation : answer.explanations()) {
                base.add(explanation.baseValue());
                output.add(explanation.output());
                for (String feature : features) {
                    contributions.add(explanation.contributions().get(feature));
                }
            }
            Explanation first = answer.explanations().isEmpty()
                    ? null
                    : answer.explanations().get(0);
            return new Explained(
                    base,
                    output,
                    contributions,
                    features.size(),
                    first == null ? null : first.explained(),
                    first == null ? null : first.method());
        }

        /**
         * @return the answer's parameters {@value #EXPLAINED_PARAMETER} and {@value #METHOD_PARAMETER}, the same for
         *         every row of one model (its columns and structure choose them); empty when no row was explained
         */
        Map<String, String> parameters() {
            if (quantity == null) {
                return Map.of();
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put(EXPLAINED_PARAMETER, quantity);
            parameters.put(METHOD_PARAMETER, method);
            return parameters;
        }

        /** @return the three outputs, FP64: {@code [N]}, {@code [N]} and {@code [N, F]} */
        List<V2Extras.Tensor> tensors() {
            long rows = base.size();
            return List.of(
                    new V2Extras.Tensor(new Output(BASE_VALUE_OUTPUT, "FP64", List.of(rows)), base),
                    new V2Extras.Tensor(new Output(EXPLAINED_OUTPUT, "FP64", List.of(rows)), output),
                    new V2Extras.Tensor(
                            new Output(CONTRIBUTIONS_OUTPUT, "FP64", List.of(rows, (long) features)), contributions));
        }
    }

    private static List<String> labels(List<Prediction> predictions) {
        return predictions.stream()
                .map(p -> ((Prediction.Classification) p).label())
                .toList();
    }

    private static List<Float> probabilities(List<Prediction> predictions) {
        List<Float> data = new ArrayList<>();
        for (Prediction prediction : predictions) {
            ((Prediction.Classification) prediction).probabilities().forEach(p -> data.add(p.floatValue()));
        }
        return data;
    }

    /** A regressor's values, in the output's own element type ({@code datatype}). */
    private static List<Number> values(List<Prediction> predictions, String datatype) {
        boolean single = datatype.equals(ValueType.FLOAT.v2Name());
        List<Number> data = new ArrayList<>(predictions.size());
        for (Prediction prediction : predictions) {
            double value = ((Prediction.Regression) prediction).value();
            data.add(single ? (Number) (float) value : (Number) value);
        }
        return data;
    }
}
