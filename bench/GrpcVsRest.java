import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Open Inference Protocol's ModelInfer over gRPC against {@code POST /v2/models/NAME/infer} over REST (HTTP/1.1,
 * JSON), on one running tabserve, in one run: the same bank-note rows, one row and 1,000-row batches, N concurrent
 * callers, each protocol measured in turn for the same time after a warm-up. Per protocol and batch size it prints
 * requests/s, rows/s, p50 and p99 latency and the server's CPU time per request (utime+stime of /proc/PID/stat across
 * the measured window, as bench/run does), then the ratios gRPC/REST.
 *
 * <p>gRPC: grpc-java's generated blocking stub on one plaintext channel (HTTP/2 cleartext by prior knowledge, every
 * caller's calls multiplexed on it, as a gRPC client does), values in {@code contents.fp32_contents}. REST: the JDK
 * HttpClient pinned to HTTP/1.1 (a pool of up to N keep-alive connections), the same values as JSON numbers. Both
 * clients run on the same machine as the server and take CPU from it: read rows/s and latency with that in mind; the
 * server's CPU per request does not depend on it.
 *
 * <p>Run by bench/grpc: {@code java -cp target/classes:TEST-CLASSPATH bench/GrpcVsRest.java URL PID [--callers N]
 * [--seconds S] [--warmup S] [--first-warmup S] [--rounds R] [--batch ROWS] [--model NAME] [--out FILE]}; with
 * {@code --write-bodies DIR} it only writes a single-row call's bodies for h2load (see {@link #writeBodies}).
 */
public final class GrpcVsRest {

    private static final double[][] RANGES = {{-7.0, 6.8}, {-13.7, 12.9}, {-5.3, 17.9}, {-8.5, 2.4}};

    /** One protocol at one batch size: what its callers saw and what the server spent. */
    record Result(String protocol, int rows, long requests, double seconds, long[] latenciesNs, double cpuSeconds) {
        double requestsPerSecond() {
            return requests / seconds;
        }

        double rowsPerSecond() {
            return requests * (double) rows / seconds;
        }

        double percentileMs(double p) {
            if (latenciesNs.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(latenciesNs.length - 1, Math.ceil(p * latenciesNs.length) - 1);
            return latenciesNs[Math.max(0, i)] / 1e6;
        }

        double cpuMicrosPerRequest() {
            return cpuSeconds * 1e6 / requests;
        }

        Result merge(Result other) {
            long[] all = Arrays.copyOf(latenciesNs, latenciesNs.length + other.latenciesNs.length);
            System.arraycopy(other.latenciesNs, 0, all, latenciesNs.length, other.latenciesNs.length);
            Arrays.sort(all);
            return new Result(
                    protocol,
                    rows,
                    requests + other.requests,
                    seconds + other.seconds,
                    all,
                    cpuSeconds + other.cpuSeconds);
        }
    }

    /** One call of one protocol; throws when the answer is not a full, successful one. */
    interface Call {
        void run() throws Exception;
    }

    private final URI base;
    private final long pid;
    private final int callers;
    private final double seconds;
    private final double warmup;
    private final String model;
    private final long ticksPerSecond;

    private GrpcVsRest(URI base, long pid, int callers, double seconds, double warmup, String model, long ticks) {
        this.base = base;
        this.pid = pid;
        this.callers = callers;
        this.seconds = seconds;
        this.warmup = warmup;
        this.model = model;
        this.ticksPerSecond = ticks;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: GrpcVsRest URL PID [--callers N] [--seconds S] [--warmup S] [--first-warmup S]"
                    + " [--rounds R] [--batch ROWS] [--model NAME] [--out FILE] [--write-bodies DIR]");
            System.exit(2);
        }
        URI base = URI.create(args[0].endsWith("/") ? args[0] : args[0] + "/");
        long pid = Long.parseLong(args[1]);
        int callers = 16;
        double seconds = 10;
        double warmup = 5;
        int rounds = 2;
        double firstWarmup = 40;
        int batch = 1000;
        String model = "banknote-authenticator";
        Path out = null;
        Path bodies = null;
        for (int i = 2; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--callers" -> callers = Integer.parseInt(value);
                case "--seconds" -> seconds = Double.parseDouble(value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--first-warmup" -> firstWarmup = Double.parseDouble(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--model" -> model = value;
                case "--out" -> out = Path.of(value);
                case "--write-bodies" -> bodies = Path.of(value);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        long ticks = Long.parseLong(new String(
                        new ProcessBuilder("getconf", "CLK_TCK")
                                .start()
                                .getInputStream()
                                .readAllBytes(),
                        StandardCharsets.US_ASCII)
                .trim());
        GrpcVsRest bench = new GrpcVsRest(base, pid, callers, seconds, warmup, model, ticks);
        if (bodies != null) {
            bench.writeBodies(bodies);
            return;
        }
        String report = bench.run(List.of(1, batch), rounds, firstWarmup);
        System.out.print(report);
        if (out != null) {
            Files.writeString(out, report);
        }
    }

    private String run(List<Integer> sizes, int rounds, double firstWarmup) throws Exception {
        String input = inputName();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        base.getHost(), base.getPort(), InsecureChannelCredentials.create())
                .maxInboundMessageSize(64 << 20)
                .build();
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<Result> results = new ArrayList<>();
        try {
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
            List<Call[]> calls = new ArrayList<>();
            for (int rows : sizes) {
                float[] values = rows(rows);
                ModelInferRequest grpcRequest = grpcRequest(input, rows, values);
                byte[] json = restBody(input, rows, values);
                HttpRequest restRequest = HttpRequest.newBuilder(base.resolve("v2/models/" + model + "/infer"))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                        .build();
                Call grpc = () -> {
                    ModelInferResponse answer =
                            stub.withDeadlineAfter(60, TimeUnit.SECONDS).modelInfer(grpcRequest);
                    if (answer.getOutputs(0).getContents().getBytesContentsCount() != rows) {
                        throw new IllegalStateException("gRPC answered " + answer.getOutputs(0));
                    }
                };
                Call rest = () -> {
                    HttpResponse<byte[]> answer = http.send(restRequest, HttpResponse.BodyHandlers.ofByteArray());
                    if (answer.statusCode() != 200) {
                        throw new IllegalStateException("REST answered " + answer.statusCode() + ": "
                                + new String(answer.body(), StandardCharsets.UTF_8));
                    }
                };
                calls.add(new Call[] {grpc, rest});
            }
            // The server's JIT compiles for tens of seconds on a busy 2-core machine, and its compiler threads' CPU
            // counts as the server's: every kind of call first, unmeasured, until its CPU per call holds still.
            for (Call[] pair : calls) {
                for (int k = 0; k < pair.length; k++) {
                    warmUntilSteady(k == 0 ? "gRPC" : "REST", pair[k], firstWarmup / (2.0 * calls.size()));
                }
            }
            for (int s = 0; s < sizes.size(); s++) {
                int rows = sizes.get(s);
                Call grpc = calls.get(s)[0];
                Call rest = calls.get(s)[1];
                Result g = null;
                Result r = null;
                for (int round = 0; round < rounds; round++) {
                    // Alternate which protocol goes first, so that neither always gets the warmer (or busier) slot.
                    boolean grpcFirst = round % 2 == 0;
                    for (int k = 0; k < 2; k++) {
                        boolean isGrpc = (k == 0) == grpcFirst;
                        Result one = measure(isGrpc ? "gRPC" : "REST", rows, isGrpc ? grpc : rest);
                        System.err.printf(
                                Locale.ROOT,
                                "round %d %s rows=%d: %.0f req/s, p50 %.2f ms, p99 %.2f ms," + " %.0f us CPU/request%n",
                                round + 1,
                                one.protocol(),
                                rows,
                                one.requestsPerSecond(),
                                one.percentileMs(0.5),
                                one.percentileMs(0.99),
                                one.cpuMicrosPerRequest());
                        if (isGrpc) {
                            g = g == null ? one : g.merge(one);
                        } else {
                            r = r == null ? one : r.merge(one);
                        }
                    }
                }
                results.add(g);
                results.add(r);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        return table(results, sizes, rounds, firstWarmup);
    }

    /**
     * The first warm-up of one kind of call: at least {@code atLeast} seconds, then on in 2-second windows until
     * three windows in a row have not cost the server 5 % less CPU per call than the cheapest window before them (the
     * JIT has settled on this call's code; two windows alike are not enough, as compiling goes on slowly on a busy
     * machine), or four times {@code atLeast} at most (a busy machine may never hold still).
     */
    private void warmUntilSteady(String protocol, Call call, double atLeast) throws Exception {
        loop(call, atLeast, null);
        double cheapest = Double.MAX_VALUE;
        int unimproved = 0;
        long deadline = System.nanoTime() + (long) (3 * atLeast * 1e9);
        while (unimproved < 3 && System.nanoTime() < deadline) {
            long cpuBefore = cpuTicks();
            long requests = loop(call, 2, null);
            double micros = (cpuTicks() - cpuBefore) * 1e6 / ticksPerSecond / Math.max(1, requests);
            System.err.printf(Locale.ROOT, "warm-up %s: %.0f us CPU/request%n", protocol, micros);
            unimproved = micros < 0.95 * cheapest ? 0 : unimproved + 1;
            cheapest = Math.min(cheapest, micros);
        }
    }

    /** Warm-up, then {@code seconds} of every caller looping on the call; CPU read at the window's two ends. */
    private Result measure(String protocol, int rows, Call call) throws Exception {
        loop(call, warmup, null);
        long cpuBefore = cpuTicks();
        long started = System.nanoTime();
        List<long[]> latencies = new ArrayList<>();
        long requests = loop(call, seconds, latencies);
        double elapsed = (System.nanoTime() - started) / 1e9;
        long cpuAfter = cpuTicks();
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(protocol, rows, requests, elapsed, all, (cpuAfter - cpuBefore) / (double) ticksPerSecond);
    }

    /** Runs the call on every caller until the time is up; the first failure ends the run with it. */
    private long loop(Call call, double forSeconds, List<long[]> latencies) throws Exception {
        long deadline = System.nanoTime() + (long) (forSeconds * 1e9);
        AtomicLong done = new AtomicLong();
        Exception[] failure = new Exception[1];
        CountDownLatch finished = new CountDownLatch(callers);
        long[][] perCaller = new long[callers][];
        for (int c = 0; c < callers; c++) {
            int caller = c;
            Thread thread = new Thread(
                    () -> {
                        long[] mine = new long[1024];
                        int n = 0;
                        try {
                            while (System.nanoTime() < deadline && failure[0] == null) {
                                long t0 = System.nanoTime();
                                call.run();
                                long took = System.nanoTime() - t0;
                                if (n == mine.length) {
                                    mine = Arrays.copyOf(mine, n * 2);
                                }
                                mine[n++] = took;
                            }
                        } catch (Exception e) {
                            synchronized (failure) {
                                if (failure[0] == null) {
                                    failure[0] = e;
                                }
                            }
                        } finally {
                            perCaller[caller] = Arrays.copyOf(mine, n);
                            done.addAndGet(n);
                            finished.countDown();
                        }
                    },
                    "caller-" + c);
            thread.setDaemon(true);
            thread.start();
        }
        finished.await();
        if (failure[0] != null) {
            throw failure[0];
        }
        if (latencies != null) {
            latencies.addAll(Arrays.asList(perCaller));
        }
        return done.get();
    }

    private long cpuTicks() throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The model's one input's name, from its v2 metadata. */
    private String inputName() throws Exception {
        HttpResponse<String> metadata = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.resolve("v2/models/" + model))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (metadata.statusCode() != 200) {
            throw new IllegalStateException("no model " + model + ": " + metadata.body());
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"inputs\":\\[\\{\"name\":\"([^\"]+)\"")
                .matcher(metadata.body());
        if (!m.find()) {
            throw new IllegalStateException("no input in " + metadata.body());
        }
        return m.group(1);
    }

    /**
     * Writes one single-row call in both protocols' bodies, for a load generator that speaks both (bench/grpc's
     * h2load part): {@code grpc.bin}, the ModelInfer message in gRPC's length-prefixed framing, and {@code v2.json},
     * the same row as the REST body.
     */
    private void writeBodies(Path directory) throws Exception {
        String input = inputName();
        float[] values = rows(1);
        byte[] message = grpcRequest(input, 1, values).toByteArray();
        java.nio.ByteBuffer framed = java.nio.ByteBuffer.allocate(5 + message.length);
        framed.put((byte) 0).putInt(message.length).put(message);
        Files.createDirectories(directory);
        Files.write(directory.resolve("grpc.bin"), framed.array());
        Files.write(directory.resolve("v2.json"), restBody(input, 1, values));
    }

    /** ROWS bank notes, each feature drawn evenly within the data set's range (the same rows for both protocols). */
    private static float[] rows(int rows) {
        Random random = new Random(26);
        float[] values = new float[rows * 4];
        for (int i = 0; i < values.length; i++) {
            double[] range = RANGES[i % 4];
            values[i] = (float) (range[0] + random.nextDouble() * (range[1] - range[0]));
        }
        return values;
    }

    private ModelInferRequest grpcRequest(String input, int rows, float[] values) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float v : values) {
            contents.addFp32Contents(v);
        }
        return ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName(input)
                        .setDatatype("FP32")
                        .addShape(rows)
                        .addShape(4)
                        .setContents(contents))
                .build();
    }

    private static byte[] restBody(String input, int rows, float[] values) {
        StringBuilder json = new StringBuilder("{\"inputs\":[{\"name\":\"")
                .append(input)
                .append("\",\"shape\":[")
                .append(rows)
                .append(",4],\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < values.length; i++) {
            json.append(i == 0 ? "" : ",").append(values[i]);
        }
        return json.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private String table(List<Result> results, List<Integer> sizes, int rounds, double firstWarmup) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "ModelInfer, %d callers, %s s measured per protocol, size and round"
                        + " (%d rounds), each after %s s of warm-up (and %s s of every kind of call first)%n%n",
                callers,
                number(seconds),
                rounds,
                number(warmup),
                number(firstWarmup)));
        out.append(
                "| protocol | rows/request | requests | requests/s | rows/s | p50 ms | p99 ms | server CPU µs/request |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %.0f | %.0f | %.2f | %.2f | %.0f |%n",
                    r.protocol(),
                    r.rows(),
                    r.requests(),
                    r.requestsPerSecond(),
                    r.rowsPerSecond(),
                    r.percentileMs(0.5),
                    r.percentileMs(0.99),
                    r.cpuMicrosPerRequest()));
        }
        out.append("\n| rows/request | rows/s gRPC/REST | p50 gRPC/REST | p99 gRPC/REST | CPU/request gRPC/REST |\n");
        out.append("|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < sizes.size(); i++) {
            Result g = results.get(2 * i);
            Result r = results.get(2 * i + 1);
            out.append(String.format(
                    Locale.ROOT,
                    "| %d | %.2f | %.2f | %.2f | %.2f |%n",
                    sizes.get(i),
                    g.rowsPerSecond() / r.rowsPerSecond(),
                    g.percentileMs(0.5) / r.percentileMs(0.5),
                    g.percentileMs(0.99) / r.percentileMs(0.99),
                    g.cpuMicrosPerRequest() / r.cpuMicrosPerRequest()));
        }
        return out.toString();
    }
}
