package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared end-to-end checks against the same WAR, unchanged, deployed at {@code /} in GlassFish 8 (Servlet 6.1,
 * its {@code domain1}), started once by the commands of docs/deploy.md's GlassFish section.
 */
class GlassFishDeploymentIT extends DeploymentChecks {

    /** docs/deploy.md's start command: the domain in the foreground (its ports changed to free ones here). */
    static final String START = "$GLASSFISH_HOME/bin/startserv domain1";

    /**
     * docs/deploy.md's commands against the running domain: GlassFish's MicroProfile Health off (it maps
     * {@code /health/*} in a web app at the root context, which the app refuses to start beside), then the deploy.
     */
    static final List<String> ASADMIN = List.of(
            "$GLASSFISH_HOME/bin/asadmin create-system-properties org.glassfish.microprofile.health.enabled=false",
            "$GLASSFISH_HOME/bin/asadmin deploy --contextroot / --name tabserve target/tabserve.war");

    static ServerProcess glassFish;

    @BeforeAll
    static void start() throws Exception {
        glassFish = ApplicationServers.startGlassFish("glassfish-checks", START, ASADMIN, ENVIRONMENT);
        glassFish.awaitReadiness(200, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (glassFish != null) {
            glassFish.close();
        }
    }

    @Override
    URI base() {
        return glassFish.base();
    }

    @Override
    List<String> log() {
        return glassFish.output();
    }
}
