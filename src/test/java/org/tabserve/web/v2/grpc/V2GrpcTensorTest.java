package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.tabserve.web.v2.V2Request;
import org.tabserve.web.v2.V2RequestChecks;

/**
 * A gRPC tensor's typed values read as cells straight from their primitives: each must be exactly the cell V2Values
 * makes of the JSON value REST would have carried, or be refused with the same words, for every datatype an input
 * takes and the values at the edges of exactness and range.
 */
class V2GrpcTensorTest {

    private static V2Request.Values values(String datatype, InferTensorContents.Builder contents) {
        return V2GrpcMessages.request(ModelInferRequest.newBuilder()
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("t")
                                .setDatatype(datatype)
                                .addShape(1)
                                .setContents(contents))
                        .build())
                .inputs()
                .get(0)
                .values(new long[] {1}, "t");
    }

    private static V2Request.Values raw(String datatype, ByteBuffer bytes) {
        return V2GrpcMessages.request(ModelInferRequest.newBuilder()
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("t")
                                .setDatatype(datatype)
                                .addShape(1))
                        .addRawInputContents(ByteString.copyFrom(bytes.flip()))
                        .build())
                .inputs()
                .get(0)
                .values(new long[] {1}, "t");
    }

    @Test
    void everyTypedValueIsTheCellRestsJsonValueBecomes() {
        float[] floats = {1.5f, 0.1f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE
        };
        double[] doubles = {0.1, 0.5, 1e300, -1e-300, Double.NaN, Double.NEGATIVE_INFINITY, 0x1p60, 16777217.0};
        int[] ints = {0, -5, Integer.MAX_VALUE, Integer.MIN_VALUE, 16777217};
        long[] longs = {7, (1L << 24) + 1, -(1L << 24), (1L << 53) + 1, -(1L << 53), Long.MIN_VALUE, Long.MAX_VALUE};
        InferTensorContents.Builder fp32 = InferTensorContents.newBuilder();
        ByteBuffer rawFp32 = ByteBuffer.allocate(floats.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : floats) {
            fp32.addFp32Contents(f);
            rawFp32.putFloat(f);
        }
        InferTensorContents.Builder fp64 = InferTensorContents.newBuilder();
        for (double d : doubles) {
            fp64.addFp64Contents(d);
        }
        InferTensorContents.Builder int32 = InferTensorContents.newBuilder();
        for (int i : ints) {
            int32.addIntContents(i);
        }
        InferTensorContents.Builder int64 = InferTensorContents.newBuilder();
        ByteBuffer rawInt64 = ByteBuffer.allocate(longs.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : longs) {
            int64.addInt64Contents(l);
            rawInt64.putLong(l);
        }
        int compared = 0;
        compared += V2RequestChecks.sameAsRest("FP32", values("FP32", fp32));
        compared += V2RequestChecks.sameAsRest("FP32", raw("FP32", rawFp32));
        compared += V2RequestChecks.sameAsRest("FP64", values("FP64", fp64));
        compared += V2RequestChecks.sameAsRest("INT32", values("INT32", int32));
        compared += V2RequestChecks.sameAsRest("INT64", values("INT64", int64));
        compared += V2RequestChecks.sameAsRest("INT64", raw("INT64", rawInt64));
        compared += V2RequestChecks.sameAsRest(
                "BOOL",
                values(
                        "BOOL",
                        InferTensorContents.newBuilder().addBoolContents(true).addBoolContents(false)));
        compared += V2RequestChecks.sameAsRest(
                "BYTES",
                values(
                        "BYTES",
                        InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFromUtf8("Dream"))
                                .addBytesContents(ByteString.copyFromUtf8("Atlantis"))));
        assertEquals(107, compared, "every value against every input that takes its datatype");
    }
}
