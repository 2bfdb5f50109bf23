package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Problems;
import org.tabserve.web.v2.V2InferRequestParser;
import org.tabserve.web.v2.V2Request;

/** A gRPC ModelInferRequest read as the transport-neutral request: contents, raw contents, and their refusals. */
class V2GrpcMessagesTest {

    private static ModelInferRequest.InferInputTensor.Builder tensor(String datatype) {
        return ModelInferRequest.InferInputTensor.newBuilder()
                .setName("t")
                .setDatatype(datatype)
                .addShape(2);
    }

    private static V2Request.Input only(ModelInferRequest request) {
        return V2GrpcMessages.request(request).inputs().get(0);
    }

    @Test
    void readsTheEnvelope() {
        V2Request request = V2GrpcMessages.request(
                ModelInferRequest.newBuilder().addInputs(tensor("FP32")).build());
        assertNull(request.id(), "an empty id is none");
        assertNull(request.outputs(), "no outputs named: all of them");
        assertEquals("t", request.inputs().get(0).name());
        assertEquals(
                List.of("label"),
                V2GrpcMessages.request(ModelInferRequest.newBuilder()
                                .setId("7")
                                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                        .setName("label"))
                                .build())
                        .outputs());
        assertNull(only(ModelInferRequest.newBuilder().addInputs(tensor("")).build())
                .datatype());
    }

    @Test
    void readsContentsAndRawContentsAsTheSameValues() {
        V2Request.Input contents = only(ModelInferRequest.newBuilder()
                .addInputs(tensor("BYTES")
                        .setContents(InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFromUtf8("Biscoe"))
                                .addBytesContents(ByteString.copyFromUtf8("Dream"))))
                .build());
        ByteString raw = ByteString.copyFrom(new byte[] {6, 0, 0, 0})
                .concat(ByteString.copyFromUtf8("Biscoe"))
                .concat(ByteString.copyFrom(new byte[] {5, 0, 0, 0}))
                .concat(ByteString.copyFromUtf8("Dream"));
        V2Request.Input rawInput = only(ModelInferRequest.newBuilder()
                .addInputs(tensor("BYTES"))
                .addRawInputContents(raw)
                .build());
        assertEquals(
                "[\"Biscoe\", \"Dream\"]", contents.values(new long[] {2}, "t").toString());
        assertEquals(contents.values(new long[] {2}, "t"), rawInput.values(new long[] {2}, "t"));
        V2Request.Input nan = only(ModelInferRequest.newBuilder()
                .addInputs(tensor("FP32")
                        .setContents(InferTensorContents.newBuilder()
                                .addFp32Contents(1.5f)
                                .addFp32Contents(Float.NaN)))
                .build());
        List<com.fasterxml.jackson.databind.JsonNode> values = nan.values(new long[] {2}, "t");
        assertEquals(1.5, values.get(0).doubleValue());
        assertEquals(
                true,
                values.get(1).isFloatingPointNumber()
                        && Double.isNaN(values.get(1).doubleValue()),
                "a NaN is a missing number, as V2Values reads it");
    }

    /**
     * {@code explain} is read as REST reads {@code "parameters": {"explain": ...}}: a bool_param says, none set is not
     * asking, and text or a number is refused with REST's words, naming the parameter.
     */
    @Test
    void readsTheExplainParameterAsRestDoes() {
        assertTrue(
                V2GrpcMessages.request(withExplain(InferParameter.newBuilder().setBoolParam(true)))
                        .explain());
        assertFalse(
                V2GrpcMessages.request(withExplain(InferParameter.newBuilder().setBoolParam(false)))
                        .explain());
        assertFalse(
                V2GrpcMessages.request(withExplain(InferParameter.newBuilder())).explain());
        assertFalse(V2GrpcMessages.request(
                        ModelInferRequest.newBuilder().addInputs(tensor("FP32")).build())
                .explain());
        HttpProblem text = Problems.thrownBy(() ->
                V2GrpcMessages.request(withExplain(InferParameter.newBuilder().setStringParam("true"))));
        assertEquals(400, text.status());
        assertEquals("parameters.explain", text.errors().get(0).field());
        assertEquals(
                Problems.thrownBy(() -> V2InferRequestParser.explain(TextNode.valueOf("true")))
                        .detail(),
                text.detail(),
                "REST's words for the same value");
        assertTrue(text.detail().startsWith("\"parameters\".\"explain\" must be true or false"), text.detail());
        HttpProblem number = Problems.thrownBy(() ->
                V2GrpcMessages.request(withExplain(InferParameter.newBuilder().setInt64Param(1))));
        assertEquals(
                Problems.thrownBy(() -> V2InferRequestParser.explain(LongNode.valueOf(1)))
                        .detail(),
                number.detail());
    }

    private static ModelInferRequest withExplain(InferParameter.Builder explain) {
        return ModelInferRequest.newBuilder()
                .addInputs(tensor("FP32"))
                .putParameters("explain", explain.build())
                .build();
    }

    @Test
    void refusesValuesThatCannotBeRead() {
        assertEquals(
                "raw_input_contents has 2 entries but the request has 1 inputs; give one per input, in the order "
                        + "of inputs, or none",
                Problems.thrownBy(() -> V2GrpcMessages.request(ModelInferRequest.newBuilder()
                                .addInputs(tensor("FP32"))
                                .addRawInputContents(ByteString.EMPTY)
                                .addRawInputContents(ByteString.EMPTY)
                                .build()))
                        .detail());
        assertEquals(
                "input 't' has contents, but the request has raw_input_contents: give the values of every input "
                        + "one way",
                Problems.thrownBy(() -> V2GrpcMessages.request(ModelInferRequest.newBuilder()
                                .addInputs(tensor("FP32")
                                        .setContents(
                                                InferTensorContents.newBuilder().addFp32Contents(1)))
                                .addRawInputContents(ByteString.EMPTY)
                                .build()))
                        .detail());
        HttpProblem broken = Problems.thrownBy(() -> only(ModelInferRequest.newBuilder()
                        .addInputs(tensor("BYTES"))
                        .addRawInputContents(ByteString.copyFrom(new byte[] {9, 0, 0, 0, 'a'}))
                        .build())
                .values(new long[] {2}, "t"));
        assertEquals(400, broken.status());
        assertEquals("input 't': raw_input_contents ends where value 0 needs 9 bytes of text", broken.detail());
        assertEquals(
                "input 't': raw_input_contents has 6 bytes, which is no whole number of 4-byte FP32 values",
                Problems.thrownBy(() -> only(ModelInferRequest.newBuilder()
                                        .addInputs(tensor("FP32"))
                                        .addRawInputContents(ByteString.copyFrom(new byte[6]))
                                        .build())
                                .values(new long[] {2}, "t"))
                        .detail());
        assertEquals(
                "input 't': data value 0 is not UTF-8 text",
                Problems.thrownBy(() -> only(ModelInferRequest.newBuilder()
                                        .addInputs(tensor("BYTES")
                                                .setContents(InferTensorContents.newBuilder()
                                                        .addBytesContents(
                                                                ByteString.copyFrom(new byte[] {(byte) 0xff}))))
                                        .build())
                                .values(new long[] {1}, "t"))
                        .detail());
    }
}
