package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import inference.ServerLiveRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.FixtureCards;
import org.tabserve.testing.CostlyExplanations;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 34, item 6, as the issue measured it, against the packaged WAR with the shipped settings: 6 REST clients that
 * hung up after 1 s left 111 s of server CPU, and 20 gRPC calls with a 2 s deadline about 106 s, their explanations
 * running on long after their clients had gone. Here each asks for 36 rows of the 10-column model to be explained
 * by coalitions (3.7 M model rows, seconds of CPU): every one ends explained, cancelled, or refused (while the explanation threads
 * and their queue are full; a gRPC call also before its message reaches them, on a loaded machine), and once the server
 * has ended every request, the model rows evaluated stay within what the explained ones and the one under way on each
 * thread needed, so none ran on for a client that had gone. The server's CPU in the 2 s after is printed, not asserted.
 */
class HostileExplanationsIT {

    /** Every way one request's explanations end; failed: no room in the memory budget (two threads at -Xmx128m). */
    private static final String[] OUTCOMES = {"explained", "cancelled", "busy", "failed"};
    /** The explanation threads the server has by default on this machine: the CPUs less one. */
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    private static Path models;
    private static TabserveProcess server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        models = Files.createTempDirectory("tabserve-explanations");
        FixtureCards.banknote(models);
        CostlyExplanations.card(models.resolve("wide10.onnx"));
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--models", models.toString(), "--default-model", "banknote"),
                withCoalitions());
        server.awaitReady(Duration.ofSeconds(90));
        channel = GrpcWire.channelTo(server);
    }

    /** The shipped environment, explaining the 10-column (linear) model by coalitions so that its rows cost work. */
    private static java.util.Map<String, String> withCoalitions() {
        java.util.Map<String, String> environment = new java.util.HashMap<>(TabserveProcess.SHIPPED_ENVIRONMENT);
        environment.putAll(CostlyExplanations.BY_COALITIONS);
        return environment;
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (models != null) {
            try (var files = Files.walk(models)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void sixRestClientsThatHangUpAfterASecondLeaveNoExplanationRunning() throws Exception {
        Map<String, Double> before = outcomes();
        double rowsBefore = CostlyExplanations.modelRows(server);
        byte[] body = CostlyExplanations.json(CostlyExplanations.ROWS_UNDER_DEFAULT_LIMIT)
                .getBytes(StandardCharsets.UTF_8);
        URI uri = server.uri("/models/wide10/api/predict");
        List<Socket> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            Socket socket = new Socket(uri.getHost(), uri.getPort());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type:"
                            + " application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            clients.add(socket);
        }
        Thread.sleep(1000); // the clients hung up after 1 s
        for (Socket client : clients) {
            client.close();
        }
        CostlyExplanations.await(() -> counted(before) == 6, "6 explanations to be counted");
        assertNoExplanationRanOn("6 requests", before, rowsBefore);
    }

    /**
     * Under load a call may end before its message reaches the explanations (its deadline passes while it waits for a
     * container thread, or the memory budget refuses it), so it is not counted among the explanations' outcomes: the
     * calls are counted where the server ends each of them, with its status, whatever it reached. The call's cancel is
     * handed to the service only after its message's work has returned, so once all twenty are counted there, every
     * explanation one of them started has ended.
     */
    @Test
    void twentyGrpcCallsPastATwoSecondDeadlineLeaveNoExplanationRunning() throws Exception {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        // Connected first: a call whose deadline passes while its channel still connects never leaves the client.
        assertTrue(stub.withDeadlineAfter(1, TimeUnit.MINUTES)
                .serverLive(ServerLiveRequest.getDefaultInstance())
                .getLive());
        Map<String, Double> before = outcomes();
        double rowsBefore = CostlyExplanations.modelRows(server);
        double callsBefore = sum(CostlyExplanations.grpcCallsEnded(server, "ModelInfer"));
        ExecutorService callers = Executors.newFixedThreadPool(20);
        Map<Status.Code, Integer> codes = new java.util.EnumMap<>(Status.Code.class);
        try {
            List<Future<Status.Code>> calls = new ArrayList<>();
            for (int c = 0; c < 20; c++) {
                calls.add(callers.submit(() -> {
                    try {
                        stub.withDeadlineAfter(2, TimeUnit.SECONDS)
                                .modelInfer(
                                        CostlyExplanations.grpc("wide10", CostlyExplanations.ROWS_UNDER_DEFAULT_LIMIT));
                        return Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        return e.getStatus().getCode();
                    }
                }));
            }
            for (Future<Status.Code> call : calls) {
                Status.Code code = call.get();
                assertTrue(
                        List.of(
                                        Status.Code.OK,
                                        Status.Code.DEADLINE_EXCEEDED,
                                        Status.Code.UNAVAILABLE,
                                        Status.Code.RESOURCE_EXHAUSTED)
                                .contains(code),
                        code::toString);
                codes.merge(code, 1, Integer::sum);
            }
        } finally {
            callers.shutdownNow();
        }
        try {
            CostlyExplanations.await(
                    () -> sum(CostlyExplanations.grpcCallsEnded(server, "ModelInfer")) - callsBefore == 20,
                    "the server to end the 20 calls");
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "; the clients got " + codes + "; the server's calls ended: "
                            + CostlyExplanations.grpcCallsEnded(server, "ModelInfer") + " (" + callsBefore + " before)",
                    e);
        }
        double explanations = counted(before);
        assertTrue(explanations <= 20, explanations + " explanations' outcomes counted for 20 calls");
        double explained = CostlyExplanations.explanations(server, "explained") - before.get("explained");
        assertTrue(
                explained >= codes.getOrDefault(Status.Code.OK, 0),
                () -> explained + " explained, fewer than the " + codes.get(Status.Code.OK) + " calls answered");
        assertNoExplanationRanOn(
                "20 calls (" + codes + ", " + explanations + " reached the explanations)", before, rowsBefore);
    }

    /**
     * Once every request has ended, checks that the model rows evaluated are at most what the explained ones needed
     * and two more on each explanation thread, and prints the server's CPU in the 2 s after. Two: while its clients
     * are there a thread may finish one explanation whose client goes before it is answered (counted cancelled) and
     * start the next, which stops at its next model call once its client has gone (seen: one whole explanation and
     * 54,003 rows of the next on one thread, with another IT beside it). Before issue 34 every explanation ran to its
     * end: 6 and 17 whole ones here.
     */
    private static void assertNoExplanationRanOn(String requests, Map<String, Double> before, double rowsBefore)
            throws Exception {
        Map<String, Double> after = outcomes();
        Map<String, Double> ended = new LinkedHashMap<>();
        after.forEach((outcome, count) -> ended.put(outcome, count - before.get(outcome)));
        double explained = ended.get("explained");
        double evaluated = CostlyExplanations.modelRows(server) - rowsBefore;
        double bound =
                (explained + 2 * THREADS) * CostlyExplanations.ROWS_UNDER_DEFAULT_LIMIT * CostlyExplanations.ROW_COST;
        assertTrue(
                evaluated <= bound,
                evaluated + " model rows evaluated, more than " + bound + " for " + explained
                        + " explained: an explanation ran on after its client had gone; " + ended);
        assertTrue(ended.get("cancelled") > 0, "none was cancelled: " + ended);
        long cpu = serverCpuTicks();
        Thread.sleep(2000);
        System.out.printf(
                "HostileExplanationsIT: %s: %s; %.0f model rows evaluated; server CPU in the 2 s" + " after: %.2f s%n",
                requests, ended, evaluated, (serverCpuTicks() - cpu) / 100.0);
        assertEquals(0, CostlyExplanations.metric(server, "tabserve_explanations_waiting"));
    }

    private static double sum(Map<String, Double> samples) {
        return samples.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private static double counted(Map<String, Double> before) throws Exception {
        double sum = 0;
        for (Map.Entry<String, Double> outcome : outcomes().entrySet()) {
            sum += outcome.getValue() - before.get(outcome.getKey());
        }
        return sum;
    }

    private static Map<String, Double> outcomes() throws Exception {
        Map<String, Double> outcomes = new LinkedHashMap<>();
        for (String outcome : OUTCOMES) {
            outcomes.put(outcome, CostlyExplanations.explanations(server, outcome));
        }
        return outcomes;
    }

    /** The server process's utime + stime, in clock ticks (100 a second on Linux), from /proc. */
    private static long serverCpuTicks() throws Exception {
        String[] stat = Files.readString(Path.of("/proc/" + server.process().pid() + "/stat"))
                .replaceFirst("^.*\\) ", "")
                .split(" ");
        return Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
    }
}
