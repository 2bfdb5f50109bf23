import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.repository.ModelStore;
import org.tabserve.repository.s3.S3Mirror;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.S3ProxyProcess;
import org.tabserve.testing.TabserveProcess;

/**
 * Models from object storage (issue 64), against s3proxy (filesystem backend, v4 signatures) on this machine: a poll
 * of 1,000 unchanged models (the store's requests, its time, the bytes downloaded), the first mirror of them, and
 * start to ready of the packaged WAR from a bucket vs the same models from a local folder. Run by bench/s3.
 */
public class S3Poll {

    public static void main(String[] args) throws Exception {
        int models = Integer.parseInt(args.length > 0 ? args[0] : "1000");
        byte[] model = Files.readAllBytes(Path.of("model.onnx"));
        // The mirror in this JVM finds the server's credentials as the SDK's system properties.
        System.setProperty("aws.accessKeyId", S3ProxyProcess.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyProcess.SECRET_KEY);
        System.setProperty("aws.region", "us-east-1");
        try (S3ProxyProcess store = S3ProxyProcess.launch()) {
            store.bucket("poll");
            for (int i = 0; i < models; i++) {
                store.put("poll", String.format("models/m%04d.onnx", i), model);
            }
            Path cache = Files.createTempDirectory("s3poll").resolve("cache");
            try (S3Mirror mirror = S3Mirror.open(
                    "s3://poll/models", Optional.of(store.endpoint().toString()), cache, 4, Long.MAX_VALUE)) {
                long t0 = System.nanoTime();
                mirror.refresh(false, Optional.empty());
                long first = System.nanoTime() - t0;
                ModelStore.State a = mirror.state();
                System.out.printf(
                        "first mirror of %d models: %d requests, %.0f ms, %d bytes downloaded%n",
                        a.cachedFiles(), a.requests(), first / 1e6, a.bytes());
                for (int run = 0; run < 5; run++) {
                    ModelStore.State before = mirror.state();
                    long t1 = System.nanoTime();
                    mirror.refresh(false, Optional.empty());
                    long poll = System.nanoTime() - t1;
                    ModelStore.State after = mirror.state();
                    System.out.printf(
                            "poll of %d unchanged models: %d requests, %.1f ms, %d bytes downloaded%n",
                            after.cachedFiles(),
                            after.requests() - before.requests(),
                            poll / 1e6,
                            after.bytes() - before.bytes());
                }
            }
            // Start to ready: the four models of the repository tests, from a bucket and from a local folder.
            ModelDirectory local = ModelDirectory.withFourModels();
            store.bucket("start");
            try (var files = Files.walk(local.root())) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    store.put("start", "models/" + local.root().relativize(file), Files.readAllBytes(file));
                }
            }
            Map<String, String> credentials = Map.of(
                    "AWS_ACCESS_KEY_ID", S3ProxyProcess.ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", S3ProxyProcess.SECRET_KEY,
                    "AWS_REGION", "us-east-1");
            for (int run = 0; run < 3; run++) {
                Path fresh = Files.createTempDirectory("s3start").resolve("cache");
                System.out.printf(
                        "start to ready, run %d: local %.2f s, bucket (empty cache) %.2f s,"
                                + " bucket (cache of a previous run) %.2f s%n",
                        run + 1,
                        ready(List.of("--models", local.root().toString()), Map.of()),
                        ready(bucketArgs(store, fresh), credentials),
                        ready(bucketArgs(store, fresh), credentials));
            }
        }
    }

    private static List<String> bucketArgs(S3ProxyProcess store, Path cache) {
        return List.of(
                "--models",
                "s3://start/models",
                "--s3-endpoint",
                store.endpoint().toString(),
                "--model-cache",
                cache.toString());
    }

    /** Seconds from the process's start to its ready line, with the JVM's defaults (no test options). */
    private static double ready(List<String> args, Map<String, String> environment) throws Exception {
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(args);
        long start = System.nanoTime();
        try (TabserveProcess server = TabserveProcess.start(TabserveProcess.war(), List.of(), all, environment)) {
            server.awaitReady(Duration.ofSeconds(120));
            return (System.nanoTime() - start) / 1e9;
        }
    }
}
