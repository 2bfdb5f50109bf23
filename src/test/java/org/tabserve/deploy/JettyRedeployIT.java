package org.tabserve.deploy;

import org.junit.jupiter.api.Test;
import org.tabserve.TabserveProcess;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot redeploy in the Jetty base: ROOT.war is replaced ten times while Jetty runs (its deployer rescans every
 * second); after each the app serves correct predictions again. The resident memory of the Jetty process after
 * each redeploy goes to {@code target/redeploy-memory.txt}.
 */
class JettyRedeployIT {

    static final int REDEPLOYS = 10;

    @Test
    void keepsPredictingCorrectlyAcrossTenReplacementsOfRootWar() throws Exception {
        try (ServerProcess jetty = Containers.startJettyBase("jetty-base-redeploy", Map.of(), "jetty.deploy.scanInterval=1")) {
            jetty.awaitReadiness(200, Duration.ofSeconds(90));
            assertEquals("0", predictedLabel(jetty));
            Path webapps = Path.of("target", "it", "jetty-base-redeploy", "base", "webapps").toAbsolutePath();
            List<String> report = new ArrayList<>();
            report.add(String.format("%-8s %10s %8s", "deploy", "VmRSS_KiB", "ready_ms"));
            report.add(String.format("%-8s %10d %8s", "initial", jetty.residentKib(), "-"));
            for (int i = 1; i <= REDEPLOYS; i++) {
                int deploysBefore = served(jetty);
                long started = System.nanoTime();
                Path staged = webapps.getParent().resolve("ROOT.war.staged");
                Files.copy(TabserveProcess.war(), staged, StandardCopyOption.REPLACE_EXISTING);
                Files.setLastModifiedTime(staged, FileTime.from(Instant.now().plusSeconds(i)));
                Files.move(staged, webapps.resolve("ROOT.war"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                awaitServed(jetty, deploysBefore + 1, Duration.ofSeconds(60));
                String label = awaitPrediction(jetty, Duration.ofSeconds(30));
                long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
                assertEquals("0", label, "prediction after redeploy " + i);
                report.add(String.format("%-8d %10d %8d", i, jetty.residentKib(), ms));
            }
            String text = String.join(System.lineSeparator(), report) + System.lineSeparator();
            Files.writeString(Path.of("target", "redeploy-memory.txt"), text, StandardCharsets.UTF_8);
            System.out.print("Jetty base, resident memory after each redeploy of ROOT.war:" + System.lineSeparator() + text);
            assertTrue(jetty.isAlive());
        }
    }

    /** How many times the web app has started and logged the model it serves. */
    private static int served(ServerProcess jetty) {
        return (int) jetty.output().stream().filter(l -> l.contains("Serving model")).count();
    }

    private static void awaitServed(ServerProcess jetty, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (served(jetty) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no redeploy within " + timeout + ":\n" + jetty.log());
            }
            Thread.sleep(100);
        }
    }

    /** The label for the known genuine row, retried while the new context is still starting. */
    private static String awaitPrediction(ServerProcess jetty, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return predictedLabel(jetty);
            } catch (IllegalStateException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(100);
            }
        }
    }

    private static String predictedLabel(ServerProcess jetty) throws Exception {
        HttpResponse<String> response = DeploymentChecks.send(HttpRequest.newBuilder(jetty.base().resolve("api/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(DeploymentChecks.GENUINE_ROW)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("status " + response.statusCode() + ": " + response.body());
        }
        return DeploymentChecks.JSON.readTree(response.body()).path("label").asText();
    }
}
