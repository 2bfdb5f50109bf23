package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.tabserve.testing.TabserveProcess;

/** The shared end-to-end checks against {@code java -jar target/tabserve.war} (embedded Jetty). */
class EmbeddedDeploymentIT extends DeploymentChecks {

    static TabserveProcess server;

    @BeforeAll
    static void start() throws Exception {
        long started = System.nanoTime();
        server = TabserveProcess.startReady(ENVIRONMENT);
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
