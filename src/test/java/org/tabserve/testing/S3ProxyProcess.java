package org.tabserve.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tabserve.docs.DocShell;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for the tests: s3proxy, started by docs/operations.md's own commands ("An S3 server on your
 * machine", the block marked {@code <!-- run by: S3ProxyProcess -->}, read by {@link DocShell}) as a user types
 * them: its runnable jar fetched by the doc's {@code mvn dependency:copy} (from the build's local Maven repository,
 * which holds the very jar the build resolved from Maven Central), its folder made, and {@code java -jar ... --properties FILE} with the doc's
 * docs/examples/s3proxy.properties (filesystem backend, AWS v4 signatures required), the test's changes being a free
 * loopback port for the doc's 8081, a folder of its own, and C1 alone through {@code JAVA_TOOL_OPTIONS} (the tests'
 * machines are shared). Stopped and started again on the same port and folder to play a store that goes down
 * mid-run. Uploads go through the AWS SDK, as a user's pipeline would send them. The store ITs take the test JVM's
 * one ({@link #shared()}).
 */
public final class S3ProxyProcess implements AutoCloseable {

    /** The doc's properties file, which the tests use with their own port. */
    public static final Path PROPERTIES = Path.of("docs/examples/s3proxy.properties");

    /** The credentials the doc's server takes; the tests hand them to tabserve through AWS's standard variables. */
    public static final String ACCESS_KEY = "local-access";

    public static final String SECRET_KEY = "local-secret-0123456789";

    private final int port;
    private final Path work;
    private final DocShell shell;
    private final S3Client client;
    private Process process;

    private S3ProxyProcess(int port, Path work, DocShell shell) {
        this.port = port;
        this.work = work;
        this.shell = shell;
        this.client = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** Starts one by the doc's commands on a free port over a new folder, and waits until it answers. */
    public static S3ProxyProcess launch() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String properties = Files.readString(PROPERTIES);
        for (String line :
                List.of("s3proxy.identity=" + ACCESS_KEY, "s3proxy.credential=" + SECRET_KEY, DOC_ENDPOINT)) {
            if (!properties.contains(line)) {
                throw new IllegalStateException(PROPERTIES + " no longer has " + line + ": change the tests with it");
            }
        }
        Path work = Files.createTempDirectory("tabserve-s3proxy");
        Path copy = work.resolve("s3proxy.properties");
        Files.writeString(copy, properties.replace(DOC_ENDPOINT, "s3proxy.endpoint=http://127.0.0.1:" + port));
        DocShell shell = DocShell.of("docs/operations.md", "S3ProxyProcess")
                .in(work)
                .replace("mvn -B ", maven())
                .replace(PROPERTIES.toString(), copy.toString())
                .environment("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
        List<String> commands = shell.commands();
        int java = -1;
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).startsWith("java ")) {
                java = i;
            } else {
                shell.run(i, 180);
            }
        }
        if (java < 0) {
            throw new IllegalStateException("docs/operations.md's s3proxy block starts no java");
        }
        S3ProxyProcess proxy = new S3ProxyProcess(port, work, shell);
        proxy.javaCommand = java;
        proxy.start();
        shell.assertAllRun();
        return proxy;
    }

    /**
     * The doc's {@code mvn -B } as the test runs it: the Maven that runs this build (failsafe's
     * {@code tabserve.maven.home}, else {@code mvn} on the path) on the build's local repository, which holds the very
     * jar the build resolved from Maven Central, offline when the build is.
     */
    private static String maven() {
        String home = System.getProperty("tabserve.maven.home", "");
        String mvn = home.isEmpty() ? "mvn" : Path.of(home, "bin", "mvn").toString();
        boolean offline = System.getProperty("tabserve.maven.settings", "").equals("offline=true");
        return mvn + " -B -ntp -q -Dmaven.repo.local=" + DocShell.localRepository() + (offline ? " -o " : " ");
    }

    private static final String DOC_ENDPOINT = "s3proxy.endpoint=http://127.0.0.1:8081";

    private static S3ProxyProcess shared;

    /**
     * The test JVM's one s3proxy, launched by the doc's commands at its first use and killed when the JVM exits: the
     * store ITs that failsafe runs in the same fork (one class after another) share it rather than each starting its
     * own (2 to 3 s of CPU a start), each class in buckets of names of its own (a bucket made twice is refused,
     * {@code BucketAlreadyOwnedByYou}). One that a class left stopped (its case of a store that goes down) is started
     * again, on its port and folder, for the next.
     */
    public static synchronized S3ProxyProcess shared() throws IOException, InterruptedException {
        if (shared == null) {
            S3ProxyProcess launched = launch();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    launched.close();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "s3proxy-stop"));
            shared = launched;
        } else if (!shared.process.isAlive()) {
            shared.start();
        }
        return shared;
    }

    private int javaCommand;

    /** Starts it (again) by the doc's command on its port and folder, and waits until it answers. */
    public void start() throws IOException, InterruptedException {
        Path log = work.resolve("s3proxy.log");
        process = shell.start(javaCommand, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IOException("s3proxy did not start on port " + port + ": " + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
    }

    /** Kills it at once (SIGKILL), as a store that goes away. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** @return its URL, for {@code --s3-endpoint} */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** @return an SDK client that signs with the server's credentials */
    public S3Client client() {
        return client;
    }

    /** Makes a bucket. */
    public void bucket(String name) {
        client.createBucket(b -> b.bucket(name));
    }

    /** Uploads {@code bytes} as {@code key}. */
    public void put(String bucket, String key, byte[] bytes) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    /** Deletes {@code key}. */
    public void delete(String bucket, String key) {
        client.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
        if (process != null) {
            kill();
        }
    }
}
