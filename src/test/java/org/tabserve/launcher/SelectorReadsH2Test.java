package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.strategy.AdaptiveExecutionStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.GrpcWire;

/**
 * On the shared port, an HTTP/2 connection's frames are read by the selecting thread itself (Jetty's produce-consume:
 * the read runs in place, non-blocking, and hands each call to a pooled thread), where Jetty alone hands the selecting
 * over to a reserved thread and reads them as blocking code; an HTTP/1.1 connection's reads are never run there,
 * since its request runs on the thread that reads it.
 */
class SelectorReadsH2Test {

    private static final int CALLS = 20;

    private static TabserveServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        server = TabserveServer.startReady();
        channel = GrpcWire.channelTo(server);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        GrpcWire.close(channel, server);
    }

    /** Tasks the shared port's selectors have run in place (produce-consume), over all of them. */
    private static long inPlace() {
        ServerConnector shared = (ServerConnector) server.jetty().getConnectors()[0];
        long tasks = 0;
        for (ManagedSelector selector : shared.getSelectorManager().getBeans(ManagedSelector.class)) {
            tasks += selector.getBean(AdaptiveExecutionStrategy.class).getPCTasksConsumed();
        }
        return tasks;
    }

    @Test
    void aGrpcCallsFramesAreReadOnTheSelectorAndAnsweredAsBefore() {
        ModelInferRequest request = ModelInferRequest.newBuilder()
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("input")
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(4)
                        .setContents(InferTensorContents.newBuilder()
                                .addFp32Contents(3.6216f)
                                .addFp32Contents(8.6661f)
                                .addFp32Contents(-2.8073f)
                                .addFp32Contents(-0.44699f)))
                .build();
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        ModelInferResponse first =
                stub.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(request); // the connection and its SETTINGS
        long before = inPlace();
        for (int i = 0; i < CALLS; i++) {
            assertEquals(first, stub.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(request));
        }
        long read = inPlace() - before;
        assertTrue(read >= CALLS, read + " reads in place for " + CALLS + " sequential calls");
    }

    @Test
    void anHttp11RequestIsNeverRunOnTheSelector() throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest live =
                HttpRequest.newBuilder(server.uri().resolve("/health/live")).build();
        assertEquals(
                200, client.send(live, HttpResponse.BodyHandlers.discarding()).statusCode());
        long before = inPlace();
        for (int i = 0; i < CALLS; i++) {
            HttpResponse<Void> answer = client.send(live, HttpResponse.BodyHandlers.discarding());
            assertEquals(200, answer.statusCode());
            assertEquals(HttpClient.Version.HTTP_1_1, answer.version());
        }
        long read = inPlace() - before;
        assertTrue(read < CALLS, read + " tasks in place for " + CALLS + " HTTP/1.1 requests");
    }
}
