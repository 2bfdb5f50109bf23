package org.tabserve.web.v2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataResponse;
import org.tabserve.rows.ExplainField;
import org.tabserve.web.http.HttpProblem;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates between the Open Inference Protocol's gRPC messages (the {@code inference} package generated from
 * {@code src/main/proto}) and the transport-neutral request and answers the REST route uses too: a
 * {@code ModelInferRequest} becomes a {@link V2Request} (values from each tensor's {@code contents}, in the field of its
 * datatype, or from {@code raw_input_contents}; the parameter {@code explain} as REST reads it), and the shared
 * answers become {@code ModelInferResponse} and {@code ModelMetadataResponse}.
 */
final class V2GrpcMessages {

    /** The {@code contents} field each datatype's values go in. */
    private static final Map<String, String> CONTENTS_FIELD = Map.of("BOOL", "bool_contents", "INT32", "int_contents",
            "INT64", "int64_contents", "FP32", "fp32_contents", "FP64", "fp64_contents", "BYTES", "bytes_contents");

    private V2GrpcMessages() {
    }

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
            inputs.add(new Input(tensor, raw > 0 ? request.getRawInputContents(i) : null));
        }
        List<String> outputs = request.getOutputsCount() == 0 ? null
                : request.getOutputsList().stream().map(ModelInferRequest.InferRequestedOutputTensor::getName).toList();
        InferParameter explain = request.getParametersOrDefault(ExplainField.NAME, null);
        return new V2Request(request.getId().isEmpty() ? null : request.getId(), inputs, outputs,
                V2InferRequestParser.explain(explain == null ? null : json(explain)));
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
            case UINT64_PARAM -> com.fasterxml.jackson.databind.node.BigIntegerNode.valueOf(
                    new java.math.BigInteger(Long.toUnsignedString(parameter.getUint64Param())));
            case PARAMETERCHOICE_NOT_SET -> NullNode.getInstance();
        };
    }

    /** The shared answer as the protocol's gRPC response, each output's values in the field of its datatype. */
    static ModelInferResponse response(V2Json.InferResponse answer) {
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder().setModelName(answer.modelName());
        if (answer.modelVersion() != null) {
            response.setModelVersion(answer.modelVersion());
        }
        if (answer.id() != null) {
            response.setId(answer.id());
        }
        for (V2Json.OutputTensor output : answer.outputs()) {
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            for (Object value : output.data()) {
                switch (output.datatype()) {
                    case "BYTES" -> contents.addBytesContents(ByteString.copyFromUtf8((String) value));
                    case "FP32" -> contents.addFp32Contents(((Number) value).floatValue());
                    case "FP64" -> contents.addFp64Contents(((Number) value).doubleValue());
                    case "INT64" -> contents.addInt64Contents(((Number) value).longValue());
                    case "INT32" -> contents.addIntContents(((Number) value).intValue());
                    case "BOOL" -> contents.addBoolContents((Boolean) value);
                    default -> throw new IllegalStateException("no gRPC contents for " + output.datatype());
                }
            }
            response.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName(output.name())
                    .setDatatype(output.datatype()).addAllShape(output.shape()).setContents(contents));
        }
        return response.build();
    }

    /** The model's metadata as the protocol's gRPC response (whose tensors carry no parameters). */
    static ModelMetadataResponse metadata(V2Json.ModelMetadata metadata) {
        ModelMetadataResponse.Builder response = ModelMetadataResponse.newBuilder().setName(metadata.name())
                .setPlatform(metadata.platform());
        if (metadata.versions() != null) {
            response.addAllVersions(metadata.versions());
        }
        metadata.inputs().forEach(t -> response.addInputs(tensor(t)));
        metadata.outputs().forEach(t -> response.addOutputs(tensor(t)));
        return response.build();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(V2Json.TensorMetadata tensor) {
        return ModelMetadataResponse.TensorMetadata.newBuilder().setName(tensor.name()).setDatatype(tensor.datatype())
                .addAllShape(tensor.shape()).build();
    }

    /**
     * One input tensor of a {@code ModelInferRequest}: its values in {@code contents}, in the field of its datatype,
     * or in its entry of {@code raw_input_contents} (flat little-endian values; BYTES as a 4-byte little-endian length
     * before each value). Each value becomes the JSON value the REST route would have read: text, a boolean, a whole
     * number or a float (NaN for a missing number, as in JSON).
     *
     * @param raw the tensor's raw contents, or null when its values are in {@code contents}
     */
    private record Input(ModelInferRequest.InferInputTensor tensor, ByteString raw) implements V2Request.Input {

        @Override
        public String name() {
            return tensor.getName();
        }

        @Override
        public long[] shape(String input) {
            return tensor.getShapeList().stream().mapToLong(Long::longValue).toArray();
        }

        @Override
        public String datatype() {
            return tensor.getDatatype().isEmpty() ? null : tensor.getDatatype();
        }

        @Override
        public List<JsonNode> values(long[] shape, String input) {
            String datatype = tensor.getDatatype();
            return raw != null ? raw(datatype, input) : contents(datatype, input);
        }

        private List<JsonNode> contents(String datatype, String input) {
            InferTensorContents contents = tensor.getContents();
            List<String> filled = filled(contents);
            if (filled.size() > 1) {
                // Only the datatype's field is read: values given in another as well would be dropped unseen.
                throw HttpProblem.badRequest("input '" + input + "' has values in more than one field of contents ("
                        + String.join(" and ", filled.stream().map(f -> "contents." + f).toList()) + "), which is"
                        + " ambiguous: give them in one, contents." + CONTENTS_FIELD.get(datatype) + " for datatype "
                        + datatype);
            }
            List<JsonNode> values = new ArrayList<>();
            switch (datatype) {
                case "BOOL" -> contents.getBoolContentsList().forEach(v -> values.add(BooleanNode.valueOf(v)));
                case "INT32" -> contents.getIntContentsList().forEach(v -> values.add(IntNode.valueOf(v)));
                case "INT64" -> contents.getInt64ContentsList().forEach(v -> values.add(LongNode.valueOf(v)));
                case "FP32" -> contents.getFp32ContentsList().forEach(v -> values.add(FloatNode.valueOf(v)));
                case "FP64" -> contents.getFp64ContentsList().forEach(v -> values.add(DoubleNode.valueOf(v)));
                default -> {
                    for (int i = 0; i < contents.getBytesContentsCount(); i++) {
                        values.add(TextNode.valueOf(text(contents.getBytesContents(i), input, i)));
                    }
                }
            }
            if (values.isEmpty() && !filled.isEmpty()) {
                throw HttpProblem.badRequest("input '" + input + "' has datatype " + datatype + ", whose values go "
                        + "in contents." + CONTENTS_FIELD.get(datatype) + ", but its values are in contents."
                        + filled.get(0));
            }
            return values;
        }

        /** The fields of {@code contents} that hold values. */
        private static List<String> filled(InferTensorContents contents) {
            List<String> filled = new ArrayList<>(1);
            addIf(filled, contents.getBoolContentsCount(), "bool_contents");
            addIf(filled, contents.getIntContentsCount(), "int_contents");
            addIf(filled, contents.getInt64ContentsCount(), "int64_contents");
            addIf(filled, contents.getUintContentsCount(), "uint_contents");
            addIf(filled, contents.getUint64ContentsCount(), "uint64_contents");
            addIf(filled, contents.getFp32ContentsCount(), "fp32_contents");
            addIf(filled, contents.getFp64ContentsCount(), "fp64_contents");
            addIf(filled, contents.getBytesContentsCount(), "bytes_contents");
            return filled;
        }

        private static void addIf(List<String> filled, int count, String field) {
            if (count > 0) {
                filled.add(field);
            }
        }

        private List<JsonNode> raw(String datatype, String input) {
            ByteBuffer bytes = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            List<JsonNode> values = new ArrayList<>();
            if (datatype.equals("BYTES")) {
                while (bytes.hasRemaining()) {
                    if (bytes.remaining() < 4) {
                        throw HttpProblem.badRequest(rawBroken(input, values.size(), "a 4-byte length"));
                    }
                    int length = bytes.getInt();
                    if (length < 0 || length > bytes.remaining()) {
                        throw HttpProblem.badRequest(rawBroken(input, values.size(), length + " bytes of text"));
                    }
                    ByteString value = ByteString.copyFrom(bytes.slice().limit(length));
                    bytes.position(bytes.position() + length);
                    values.add(TextNode.valueOf(text(value, input, values.size())));
                }
                return values;
            }
            int size = switch (datatype) {
                case "BOOL" -> 1;
                case "INT32", "FP32" -> 4;
                default -> 8;
            };
            if (bytes.remaining() % size != 0) {
                throw HttpProblem.badRequest("input '" + input + "': raw_input_contents has " + bytes.remaining()
                        + " bytes, which is no whole number of " + size + "-byte " + datatype + " values");
            }
            while (bytes.hasRemaining()) {
                values.add(switch (datatype) {
                    case "BOOL" -> BooleanNode.valueOf(bytes.get() != 0);
                    case "INT32" -> IntNode.valueOf(bytes.getInt());
                    case "INT64" -> LongNode.valueOf(bytes.getLong());
                    case "FP32" -> FloatNode.valueOf(bytes.getFloat());
                    default -> DoubleNode.valueOf(bytes.getDouble());
                });
            }
            return values;
        }

        private static String rawBroken(String input, int index, String expected) {
            return "input '" + input + "': raw_input_contents ends where value " + index + " needs " + expected;
        }

        private static String text(ByteString value, String input, int index) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(value.asReadOnlyByteBuffer()).toString();
            } catch (CharacterCodingException e) {
                throw HttpProblem.badRequest("input '" + input + "': data value " + index + " is not UTF-8 text");
            }
        }
    }
}
