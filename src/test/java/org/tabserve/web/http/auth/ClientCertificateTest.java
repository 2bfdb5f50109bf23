package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import inference.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Issue 63, item 1, hostile: a client certificate's name reaches a gRPC call in a header of the server's own
 * ({@link ClientCertificate#GRPC_HEADER}); a client that sends that header itself, without a certificate, names no
 * one. Over cleartext REST and gRPC, against a real server whose keys file names {@code notes} by certificate alone
 * ({@code notes predict -}): the header is 401 like no credential at all, never {@code notes}'s answer.
 */
class ClientCertificateTest {

    static ModelDirectory models;
    static TabserveServer server;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        models = ModelDirectory.withFourModels();
        Path keys = Files.createTempDirectory("tabserve-keys").resolve("keys");
        Files.write(keys, List.of("notes predict -"));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        server = TabserveServer.startReady(
                "--models", models.root().toString(), "--default-model", "banknote", "--api-keys", keys.toString());
        channel = GrpcWire.channelTo(server);
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, server);
    }

    @Test
    void aClientThatSendsTheCertificatesHeaderItselfNamesNoOne() throws Exception {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(ClientCertificate.GRPC_HEADER, Metadata.ASCII_STRING_MARSHALLER), "notes");
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(
                        channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        long deadline = System.nanoTime() + 60_000_000_000L;
        StatusRuntimeException refused;
        while (true) { // until the model has loaded: a refusal for a credential comes before the model's state
            refused = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(GrpcWire.notes("banknote", 1)));
            if (refused.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(
                Status.Code.UNAUTHENTICATED,
                refused.getStatus().getCode(),
                refused.getStatus().toString());
        Http.Response rest = new Http(server)
                .post(
                        "/models/banknote/api/predict",
                        "application/json",
                        "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.4}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        ClientCertificate.GRPC_HEADER,
                        "notes");
        assertEquals(401, rest.status(), rest.text());
    }
}
