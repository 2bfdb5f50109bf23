package org.tabserve.web.v2.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataResponse;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.v2.V2Extras;
import org.tabserve.web.v2.V2InferRequestParser;
import org.tabserve.web.v2.V2Inference;
import org.tabserve.web.v2.V2Json;
import org.tabserve.web.v2.V2Request;

/**
 * Translates between the Open Inference Protocol's gRPC messages (the {@code inference} package generated from
 * {@code src/main/proto}) and the transport-neutral request and answers the REST route uses too: a
 * {@code ModelInferRequest} becomes a {@link V2Request} (each tensor read by {@link V2GrpcTensor}; the parameter
 * {@code explain} as REST reads it), and the shared answers become {@code ModelInferResponse} and
 * {@code ModelMetadataResponse}.
 */
final class V2GrpcMessages {

    private V2GrpcMessages() {}

    /**
     * The request as the shared checks read it.
     *
     * @throws HttpProblem 400 when {@code raw_input_contents} does not go with the inputs
     */
    static V2Request request(ModelInferRequest request) {
        int raw = request.getRawInputContentsCount();
        if (raw > 0 && raw != request.getInputsCount()) {
            throw HttpProblem.badRequest("raw_input_contents has " + raw + " entries but the request has "
                    + request.getInputsCount() + " inputs; give one per input, in the order of inputs, or none");
        }
        List<V2Request.Input> inputs = new ArrayList<>(request.getInputsCount());
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor tensor = request.getInputs(i);
            if (raw > 0 && tensor.hasContents()) {
                throw HttpProblem.badRequest("input '" + tensor.getName() + "' has contents, but the request has "
                        + "raw_input_contents: give the values of every input one way");
            }
            inputs.add(new V2GrpcTensor(tensor, raw > 0 ? request.getRawInputContents(i) : null));
        }
        List<String> outputs = request.getOutputsCount() == 0
                ? null
                : request.getOutputsList().stream()
                        .map(ModelInferRequest.InferRequestedOutputTensor::getName)
                        .toList();
        InferParameter explain = request.getParametersOrDefault(ExplainField.NAME, null);
        InferParameter coverage = request.getParametersOrDefault(CoverageField.NAME, null);
        return new V2Request(
                request.getId().isEmpty() ? null : request.getId(),
                inputs,
                outputs,
                V2InferRequestParser.explain(explain == null ? null : json(explain)),
                V2InferRequestParser.coverage(coverage == null ? null : json(coverage)));
    }

    /**
     * A request parameter as the JSON value REST would have carried, so that both transports read it with the same
     * code: {@code bool_param} a boolean, {@code string_param} text, the numbers numbers, none set null.
     */
    static JsonNode json(InferParameter parameter) {
        return switch (parameter.getParameterChoiceCase()) {
            case BOOL_PARAM -> BooleanNode.valueOf(parameter.getBoolParam());
            case INT64_PARAM -> LongNode.valueOf(parameter.getInt64Param());
            case STRING_PARAM -> TextNode.valueOf(parameter.getStringParam());
            case DOUBLE_PARAM -> DoubleNode.valueOf(parameter.getDoubleParam());
            case UINT64_PARAM ->
                com.fasterxml.jackson.databind.node.BigIntegerNode.valueOf(
                        new java.math.BigInteger(Long.toUnsignedString(parameter.getUint64Param())));
            case PARAMETERCHOICE_NOT_SET -> NullNode.getInstance();
        };
    }

    /**
     * The answer as the protocol's gRPC response, written straight from the predictions with the outputs, shapes and
     * datatypes of REST's answer ({@link V2Inference#json}): each output's values in the field of its datatype.
     */
    static ModelInferResponse response(V2Inference.Answer answer) {
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder().setModelName(answer.modelName());
        if (answer.modelVersion() != null) {
            response.setModelVersion(answer.modelVersion());
        }
        if (answer.id() != null) {
            response.setId(answer.id());
        }
        List<Prediction> predictions = answer.predictions();
        for (String name : answer.outputs()) {
            V2Inference.Output output = V2Inference.output(name, answer);
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            switch (name) {
                case V2Json.LABEL_OUTPUT -> {
                    for (Prediction prediction : predictions) {
                        contents.addBytesContents(
                                ByteString.copyFromUtf8(((Prediction.Classification) prediction).label()));
                    }
                }
                case V2Json.PROBABILITIES_OUTPUT -> {
                    for (Prediction prediction : predictions) {
                        for (Double p : ((Prediction.Classification) prediction).probabilities()) {
                            contents.addFp32Contents(p.floatValue());
                        }
                    }
                }
                default -> {
                    boolean single = output.datatype().equals(ValueType.FLOAT.v2Name());
                    for (Prediction prediction : predictions) {
                        double v = ((Prediction.Regression) prediction).value();
                        if (single) {
                            contents.addFp32Contents((float) v);
                        } else {
                            contents.addFp64Contents(v);
                        }
                    }
                }
            }
            response.addOutputs(tensor(output, contents));
        }
        V2Extras extras = V2Extras.of(answer);
        for (V2Extras.Tensor extra : extras.tensors()) {
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            for (Object value : extra.values()) {
                if (value instanceof Boolean b) {
                    contents.addBoolContents(b);
                } else {
                    contents.addFp64Contents((Double) value);
                }
            }
            response.addOutputs(tensor(extra.output(), contents));
        }
        extras.parameters()
                .forEach((key, value) -> response.putParameters(
                        key, InferParameter.newBuilder().setStringParam(value).build()));
        return response.build();
    }

    private static ModelInferResponse.InferOutputTensor.Builder tensor(
            V2Inference.Output output, InferTensorContents.Builder contents) {
        return ModelInferResponse.InferOutputTensor.newBuilder()
                .setName(output.name())
                .setDatatype(output.datatype())
                .addAllShape(output.shape())
                .setContents(contents);
    }

    /** The model's metadata as the protocol's gRPC response (whose tensors carry no parameters). */
    static ModelMetadataResponse metadata(V2Json.ModelMetadata metadata) {
        ModelMetadataResponse.Builder response =
                ModelMetadataResponse.newBuilder().setName(metadata.name()).setPlatform(metadata.platform());
        if (metadata.versions() != null) {
            response.addAllVersions(metadata.versions());
        }
        metadata.inputs().forEach(t -> response.addInputs(tensor(t)));
        metadata.outputs().forEach(t -> response.addOutputs(tensor(t)));
        return response.build();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(V2Json.TensorMetadata tensor) {
        return ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(tensor.name())
                .setDatatype(tensor.datatype())
                .addAllShape(tensor.shape())
                .build();
    }
}
