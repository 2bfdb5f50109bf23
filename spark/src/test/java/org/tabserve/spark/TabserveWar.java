package org.tabserve.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server itself, {@code java -jar target/tabserve.war --port 0}, as a process, for the answers to compare with. */
final class TabserveWar implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("tabserve: serving (.+) on (http://\\S+/)");

    private final Process process;
    private final URI uri;
    private final HttpClient client = HttpClient.newHttpClient();

    private TabserveWar(Process process, URI uri) {
        this.process = process;
        this.uri = uri;
    }

    /**
     * Starts the WAR with {@code args} after {@code --port 0} and waits until it says where it serves: with README's
     * JVM options, and the class archive {@code mvn package} made beside it when there is one, as README's command.
     */
    static TabserveWar start(Path war, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError"));
        Path archive = war.resolveSibling("tabserve.jsa");
        if (java.nio.file.Files.isRegularFile(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-jar", war.toString(), "--port", "0"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        // The reader is not closed when the ready line is found: the drain goes on reading it, and closing it then
        // waited for the drain's readLine, which holds the reader's lock until the server prints another line (the
        // cluster IT waited its 180 s for a line that never came).
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<URI> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                URI found = null;
                while ((line = reader.readLine()) != null) {
                    if (found == null) {
                        synchronized (output) {
                            output.add(line);
                        }
                        Matcher m = READY.matcher(line);
                        if (m.find()) {
                            found = URI.create(m.group(2));
                            // keep reading in the background, so that the server never blocks on its output
                            URI answer = found;
                            CompletableFuture.runAsync(() -> drain(reader));
                            return answer;
                        }
                    }
                }
                reader.close();
                throw new IllegalStateException("tabserve ended before it was ready:\n" + output);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            // 180 s: a first start unpacks the new WAR while the cluster's three JVMs start on the same cores (one
            // verify saw the ready line at 89 s)
            return new TabserveWar(process, ready.get(180, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroy();
            throw new IllegalStateException("tabserve did not become ready:\n" + output, e);
        }
    }

    private static void drain(BufferedReader reader) {
        try (reader) {
            while (reader.readLine() != null) {
                // the server's log, not needed
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** POSTs {@code json} to {@code path} and returns the answer's body; fails on any status but 200. */
    String post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(uri.resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
