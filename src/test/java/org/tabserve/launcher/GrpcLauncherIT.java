package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ServerLiveRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.TabserveProcess;

/**
 * The packaged WAR under {@code java -jar} serves the Open Inference Protocol over gRPC on its one port, and with
 * {@code --grpc-port} on a port of its own too: HTTP/2
 * cleartext comes from {@code WEB-INF/lib-jetty} (which only the in-process tests' class path shows otherwise), and a
 * ModelInfer on the bundled model answers as {@code OpenInferenceGrpcTest} checks in detail.
 */
class GrpcLauncherIT {

    @Test
    void servesGrpcBesideRestOnTheSamePortAndWithGrpcPortOnAPortOfItsOwn() throws Exception {
        try (TabserveProcess process = TabserveProcess.startReady("--grpc-port", "0")) {
            assertTrue(
                    process.grpcPort() > 0
                            && process.grpcPort() != process.uri().getPort(),
                    process.output()::toString);
            infersOn(process.uri().getHost(), process.uri().getPort());
            infersOn(process.uri().getHost(), process.grpcPort());
        }
    }

    private static void infersOn(String host, int port) throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
                .build();
        try {
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
            ModelInferResponse answer = stub.modelInfer(ModelInferRequest.newBuilder()
                    .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                            .setName("input")
                            .setDatatype("FP32")
                            .addShape(1)
                            .addShape(4)
                            .setContents(InferTensorContents.newBuilder()
                                    .addFp32Contents(3.6f)
                                    .addFp32Contents(8.6f)
                                    .addFp32Contents(-2.8f)
                                    .addFp32Contents(-0.44f)))
                    .build());
            assertEquals("label", answer.getOutputs(0).getName());
            assertEquals(
                    "0", answer.getOutputs(0).getContents().getBytesContents(0).toStringUtf8());
            assertEquals(2, answer.getOutputs(1).getContents().getFp32ContentsCount());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
