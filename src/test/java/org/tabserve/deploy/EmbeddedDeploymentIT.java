package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.tabserve.testing.TabserveProcess;

/**
 * The shared end-to-end checks against {@code java -jar target/tabserve.war} (embedded Jetty), run with README's
 * bounds (the shipped heap, collector and exit on running out of memory; C1 alone), so that the hostile cases hold
 * under the limits the docs give.
 */
class EmbeddedDeploymentIT extends DeploymentChecks {

    static TabserveProcess server;

    @BeforeAll
    static void start() throws Exception {
        long started = System.nanoTime();
        java.util.Map<String, String> environment = new java.util.HashMap<>(ENVIRONMENT);
        environment.putAll(TabserveProcess.SHIPPED_ENVIRONMENT);
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                java.util.List.of("--port", "0"),
                environment);
        server.awaitReady(Duration.ofSeconds(60));
        ServerProcess.record("embedded (java -jar): ready line printed "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms after start");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Override
    URI base() {
        return server.uri();
    }

    @Override
    java.util.List<String> log() {
        return server.output();
    }
}
