package org.tabserve.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for the tests: s3proxy (its runnable jar, {@code target/it/s3proxy.jar}, which the build copies
 * from Maven Central) on its filesystem backend, with AWS v4 signatures required, as a process of the test's own on a
 * free loopback port; stopped and started again on the same port and folder to play a store that goes down mid-run.
 * Uploads go through the AWS SDK, as a user's pipeline would send them.
 */
public final class S3ProxyProcess implements AutoCloseable {

    /** The credentials the server takes; the tests hand them to tabserve through AWS's standard variables. */
    public static final String ACCESS_KEY = "tabserve-test-access";

    public static final String SECRET_KEY = "tabserve-test-secret-0123456789";

    private final int port;
    private final Path properties;
    private final S3Client client;
    private Process process;

    private S3ProxyProcess(int port, Path properties) {
        this.port = port;
        this.properties = properties;
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

    /** The runnable jar: failsafe's {@code tabserve.s3proxy.jar}, else where the build copies it. */
    public static Path jar() {
        return Path.of(System.getProperty("tabserve.s3proxy.jar", "target/it/s3proxy.jar"))
                .toAbsolutePath();
    }

    /** Starts one on a free port over a new folder, and waits until it answers. */
    public static S3ProxyProcess launch() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path work = Files.createTempDirectory("tabserve-s3proxy");
        Path data = Files.createDirectories(work.resolve("data"));
        Path properties = work.resolve("s3proxy.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=aws-v4",
                        "s3proxy.identity=" + ACCESS_KEY,
                        "s3proxy.credential=" + SECRET_KEY,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + data,
                        ""));
        S3ProxyProcess proxy = new S3ProxyProcess(port, properties);
        proxy.start();
        return proxy;
    }

    /** Starts it (again) on its port and folder, and waits until it answers. */
    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar().toString(),
                        "--properties",
                        properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(properties.resolveSibling("s3proxy.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IOException("s3proxy did not start on port " + port + ": "
                            + Files.readString(properties.resolveSibling("s3proxy.log")));
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
