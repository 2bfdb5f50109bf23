package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import inference.GRPCInferenceServiceGrpc;
import inference.ModelReadyRequest;
import inference.ModelRepositoryParameter;
import inference.RepositoryIndexRequest;
import inference.RepositoryIndexResponse;
import inference.RepositoryModelLoadRequest;
import inference.RepositoryModelUnloadRequest;
import inference.ServerMetadataRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.ModelDirectory;

/**
 * The repository extension over gRPC (RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload) against REST's
 * {@code /v2/repository/...} on the same server, the launcher's embedded Jetty over a {@code --models} directory with
 * four models and a broken file, driven by grpc-java's generated stub: the same index, the same effects of load and
 * unload, the same admin token (sent as {@code authorization: Bearer ...} metadata) refused with REST's words, the
 * loopback exception KServe's agent uses, and, on a server without a token, load and unload off.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class V2GrpcRepositoryTest {

    private static final String TOKEN = "test-admin-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static ModelDirectory dir;
    private static TabserveServer server;
    private static ManagedChannel channel;
    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub anonymous;
    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub admin;

    @BeforeAll
    static void start() throws Exception {
        dir = ModelDirectory.withFourModels();
        Files.writeString(dir.root().resolve("broken.onnx"), "not a model");
        server = TabserveServer.startReady(
                Map.of("TABSERVE_ADMIN_TOKEN", TOKEN), "--models", dir.root().toString());
        channel = GrpcWire.channelTo(server);
        anonymous = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        admin = withAuthorization(anonymous, "Bearer " + TOKEN);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a guard against a hang, not a measure
        while (index(false).getModelsCount() < 5 || index(false).toString().contains("LOADING")) {
            assertTrue(System.nanoTime() < deadline, "the models never loaded: " + index(false));
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, server);
    }

    @Test
    @Order(1)
    void theIndexIsRestsEveryVersionWithItsStateAndWhyTheBrokenOneIsNotServed() throws Exception {
        RepositoryIndexResponse all = index(false);
        assertEquals(restIndex(server, "{}"), entries(all));
        assertEquals(
                List.of("banknote 1", "banknote 2", "broken 1", "mass 1", "species 1"),
                all.getModelsList().stream()
                        .map(m -> m.getName() + " " + m.getVersion())
                        .toList());
        RepositoryIndexResponse.ModelIndex broken = all.getModels(2);
        assertEquals("UNAVAILABLE", broken.getState());
        assertTrue(broken.getReason().contains("ONNX"), broken::toString);
        assertEquals("READY", all.getModels(0).getState());

        RepositoryIndexResponse ready = index(true);
        assertEquals(restIndex(server, "{\"ready\": true}"), entries(ready));
        assertEquals(4, ready.getModelsCount());
        assertTrue(ready.getModelsList().stream()
                .allMatch(m -> m.getState().equals("READY") && m.getReason().isEmpty()));
    }

    @Test
    @Order(2)
    void anIndexOfAnotherRepositoryIsRefusedNamingTheField() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> anonymous.repositoryIndex(RepositoryIndexRequest.newBuilder()
                        .setRepositoryName("elsewhere")
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("repository_name: "), e::toString);
        assertTrue(e.getStatus().getDescription().contains("'elsewhere'"), e::toString);
    }

    @Test
    @Order(3)
    void loadAndUnloadWithoutTheTokenOrWithAWrongOneAreRefusedWithRestsWords() throws Exception {
        String missing = restError(server, "/v2/repository/models/mass/unload", null, 401);
        assertRefused(Status.Code.UNAUTHENTICATED, missing, () -> anonymous.repositoryModelUnload(unload("mass")));
        assertRefused(Status.Code.UNAUTHENTICATED, missing, () -> anonymous.repositoryModelLoad(load("mass")));
        assertRefused(
                Status.Code.UNAUTHENTICATED,
                missing,
                () -> withAuthorization(anonymous, "Basic dXNlcjpwYXNz").repositoryModelUnload(unload("mass")));

        String wrong = restError(server, "/v2/repository/models/mass/unload", "Bearer not-the-token", 403);
        assertRefused(
                Status.Code.PERMISSION_DENIED,
                wrong,
                () -> withAuthorization(anonymous, "Bearer not-the-token").repositoryModelUnload(unload("mass")));
        assertTrue(
                anonymous
                        .modelReady(
                                ModelReadyRequest.newBuilder().setName("mass").build())
                        .getReady(),
                "a refused unload leaves the model served");
    }

    @Test
    @Order(4)
    void unloadAndLoadWithTheTokenChangeWhatRestAndGrpcAnswer() throws Exception {
        assertEquals(
                200, rest(server, "GET", "/v2/models/mass/ready", null, null).statusCode());
        // As tritonclient's unload_model sends it: with unload_dependents, which tabserve's models have none of.
        admin.repositoryModelUnload(unload("mass").toBuilder()
                .putParameters(
                        "unload_dependents",
                        ModelRepositoryParameter.newBuilder()
                                .setBoolParam(false)
                                .build())
                .build());
        assertEquals(
                404, rest(server, "GET", "/v2/models/mass/ready", null, null).statusCode());
        StatusRuntimeException gone = assertThrows(
                StatusRuntimeException.class,
                () -> anonymous.modelReady(
                        ModelReadyRequest.newBuilder().setName("mass").build()));
        assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
        assertFalse(entries(index(true)).stream().anyMatch(e -> e.startsWith("mass ")), "no longer ready");
        assertEquals(restIndex(server, "{}"), entries(index(false)));

        admin.repositoryModelLoad(load("mass"));
        assertEquals(
                200, rest(server, "GET", "/v2/models/mass/ready", null, null).statusCode());
        assertTrue(anonymous
                .modelReady(ModelReadyRequest.newBuilder().setName("mass").build())
                .getReady());
        assertEquals(restIndex(server, "{}"), entries(index(false)));
        assertTrue(entries(index(true)).contains("mass 1 READY "));

        // REST's load, then gRPC's unload of the same model, and back: one repository, whichever transport.
        assertEquals(
                200,
                rest(server, "POST", "/v2/repository/models/mass/unload", "{}", "Bearer " + TOKEN)
                        .statusCode());
        assertRefused(
                Status.Code.NOT_FOUND,
                restError(server, "/v2/repository/models/mass/unload", "Bearer " + TOKEN, 404),
                () -> admin.repositoryModelUnload(unload("mass")));
        admin.repositoryModelLoad(load("mass"));
        assertEquals(
                200, rest(server, "GET", "/v2/models/mass/ready", null, null).statusCode());
    }

    @Test
    @Order(5)
    void anUnknownModelIsNotFoundAndABrokenOneFailsToLoadWithRestsWords() throws Exception {
        String unknown = restError(server, "/v2/repository/models/nope/load", "Bearer " + TOKEN, 404);
        assertRefused(Status.Code.NOT_FOUND, unknown, () -> admin.repositoryModelLoad(load("nope")));
        assertRefused(
                Status.Code.NOT_FOUND,
                restError(server, "/v2/repository/models/nope/unload", "Bearer " + TOKEN, 404),
                () -> admin.repositoryModelUnload(unload("nope")));
        String broken = restError(server, "/v2/repository/models/broken/load", "Bearer " + TOKEN, 422);
        assertTrue(broken.contains("failed to load"), broken);
        assertRefused(Status.Code.FAILED_PRECONDITION, broken, () -> admin.repositoryModelLoad(load("broken")));
        StatusRuntimeException noName =
                assertThrows(StatusRuntimeException.class, () -> admin.repositoryModelLoad(load("")));
        assertEquals(Status.Code.INVALID_ARGUMENT, noName.getStatus().getCode());
        assertTrue(noName.getStatus().getDescription().contains("cannot be a model's name"), noName::toString);
    }

    @Test
    @Order(6)
    void whatLoadAndUnloadCannotHonourIsRefusedNotDropped() {
        StatusRuntimeException config = assertThrows(
                StatusRuntimeException.class,
                () -> admin.repositoryModelLoad(load("mass").toBuilder()
                        .putParameters(
                                "config",
                                ModelRepositoryParameter.newBuilder()
                                        .setStringParam("{}")
                                        .build())
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, config.getStatus().getCode());
        assertTrue(config.getStatus().getDescription().contains("'config'"), config::toString);
        StatusRuntimeException other = assertThrows(
                StatusRuntimeException.class,
                () -> admin.repositoryModelUnload(unload("mass").toBuilder()
                        .putParameters(
                                "unload_dependents",
                                ModelRepositoryParameter.newBuilder()
                                        .setStringParam("yes")
                                        .build())
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, other.getStatus().getCode());
        assertTrue(other.getStatus().getDescription().contains("bool_param"), other::toString);
        StatusRuntimeException repository = assertThrows(
                StatusRuntimeException.class,
                () -> admin.repositoryModelLoad(
                        load("mass").toBuilder().setRepositoryName("elsewhere").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, repository.getStatus().getCode());
        assertTrue(anonymous
                .modelReady(ModelReadyRequest.newBuilder().setName("mass").build())
                .getReady());
    }

    @Test
    @Order(7)
    void serverMetadataListsTheExtensionsRestLists() throws Exception {
        JsonNode rest = JSON.readTree(rest(server, "GET", "/v2", null, null).body());
        List<String> extensions = new ArrayList<>();
        rest.path("extensions").forEach(e -> extensions.add(e.asText()));
        assertEquals(
                extensions,
                anonymous
                        .serverMetadata(ServerMetadataRequest.getDefaultInstance())
                        .getExtensionsList());
        assertTrue(extensions.contains("model_repository"), extensions::toString);
    }

    @Test
    @Order(8)
    void withoutAnAdminTokenLoadAndUnloadAreOffAndTheIndexIsNot() throws Exception {
        try (TabserveServer open =
                TabserveServer.startReady("--models", dir.root().toString())) {
            ManagedChannel plain = GrpcWire.channelTo(open);
            try {
                var stub = withAuthorization(GRPCInferenceServiceGrpc.newBlockingStub(plain), "Bearer " + TOKEN);
                String off = restError(open, "/v2/repository/models/mass/load", "Bearer " + TOKEN, 404);
                String why = off.substring(off.indexOf(" (the admin routes are off"));
                StatusRuntimeException load =
                        assertThrows(StatusRuntimeException.class, () -> stub.repositoryModelLoad(load("mass")));
                assertEquals(Status.Code.UNIMPLEMENTED, load.getStatus().getCode());
                assertEquals(
                        "no route for gRPC RepositoryModelLoad" + why,
                        load.getStatus().getDescription());
                StatusRuntimeException unload =
                        assertThrows(StatusRuntimeException.class, () -> stub.repositoryModelUnload(unload("nope")));
                assertEquals(Status.Code.UNIMPLEMENTED, unload.getStatus().getCode(), "off, whatever the model");
                assertEquals(
                        "no route for gRPC RepositoryModelUnload" + why,
                        unload.getStatus().getDescription());
                assertEquals(
                        restIndex(open, "{}"),
                        entries(stub.repositoryIndex(RepositoryIndexRequest.getDefaultInstance())),
                        "the index, open over REST, is open over gRPC");
            } finally {
                plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * With {@code tabserve.admin-loopback}, a caller on the loopback interface that sends no token may load and
     * unload over gRPC as over REST (the address is the one gRPC's servlet transport reports); one that sends a
     * wrong token is still refused.
     */
    @Test
    @Order(9)
    void onTheLoopbackInterfaceLoadAndUnloadNeedNoTokenWhenTheSettingSaysSo() throws Exception {
        try (TabserveServer agent = TabserveServer.startReady(
                Map.of("TABSERVE_ADMIN_TOKEN", TOKEN, "TABSERVE_ADMIN_LOOPBACK", "true"),
                "--models",
                dir.root().toString())) {
            ManagedChannel local = GrpcWire.channelTo(agent);
            try {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(local);
                assertEquals("127.0.0.1", agent.uri().getHost(), "the test calls over the loopback interface");
                stub.repositoryModelUnload(unload("mass"));
                assertEquals(
                        404,
                        rest(agent, "GET", "/v2/models/mass/ready", null, null).statusCode());
                stub.repositoryModelLoad(load("mass"));
                assertEquals(
                        200,
                        rest(agent, "GET", "/v2/models/mass/ready", null, null).statusCode());
                assertRefused(
                        Status.Code.PERMISSION_DENIED,
                        "the admin token is wrong",
                        () -> withAuthorization(stub, "Bearer not-the-token").repositoryModelUnload(unload("mass")));
            } finally {
                local.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void assertRefused(Status.Code code, String restMessage, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e::toString);
        assertEquals(restMessage, e.getStatus().getDescription());
    }

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub withAuthorization(
            GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub, String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static RepositoryIndexResponse index(boolean ready) {
        return anonymous.repositoryIndex(
                RepositoryIndexRequest.newBuilder().setReady(ready).build());
    }

    private static RepositoryModelLoadRequest load(String model) {
        return RepositoryModelLoadRequest.newBuilder().setModelName(model).build();
    }

    private static RepositoryModelUnloadRequest unload(String model) {
        return RepositoryModelUnloadRequest.newBuilder().setModelName(model).build();
    }

    /** Each entry as {@code name version state reason}. */
    private static List<String> entries(RepositoryIndexResponse index) {
        return index.getModelsList().stream()
                .map(m -> m.getName() + " " + m.getVersion() + " " + m.getState() + " " + m.getReason())
                .toList();
    }

    /** REST's index, each entry as {@link #entries} writes gRPC's. */
    private static List<String> restIndex(TabserveServer on, String body) throws Exception {
        HttpResponse<String> response = rest(on, "POST", "/v2/repository/index", body, null);
        assertEquals(200, response.statusCode(), response.body());
        List<String> entries = new ArrayList<>();
        JSON.readTree(response.body())
                .forEach(m -> entries.add(m.path("name").asText() + " "
                        + m.path("version").asText() + " " + m.path("state").asText() + " "
                        + m.path("reason").asText()));
        return entries;
    }

    /** REST's {@code {"error": ...}} message for a POST, after checking its status. */
    private static String restError(TabserveServer on, String path, String authorization, int status) throws Exception {
        HttpResponse<String> response = rest(on, "POST", path, "{}", authorization);
        assertEquals(status, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("error").asText();
    }

    private static HttpResponse<String> rest(
            TabserveServer on, String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(on.uri(path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
