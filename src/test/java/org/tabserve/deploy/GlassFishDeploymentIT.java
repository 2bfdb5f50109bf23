package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared end-to-end checks against the same WAR, unchanged, deployed at {@code /} in GlassFish 8 (Servlet 6.1,
 * its {@code domain1}), started once by the commands of docs/deploy.md's GlassFish section, read from it:
 * <pre>
 * $GLASSFISH_HOME/bin/startserv domain1
 * $GLASSFISH_HOME/bin/asadmin create-system-properties org.glassfish.microprofile.health.enabled=false
 * $GLASSFISH_HOME/bin/asadmin deploy --contextroot / --name tabserve target/tabserve.war
 * </pre>
 * with the domain's ports changed to free ones and its listeners on 127.0.0.1.
 */
class GlassFishDeploymentIT extends DeploymentChecks {

    static ServerProcess glassFish;

    @BeforeAll
    static void start() throws Exception {
        glassFish = ApplicationServers.startGlassFish(
                "glassfish-checks",
                ApplicationServers.deployDocLine("$GLASSFISH_HOME/bin/startserv "),
                ApplicationServers.deployDocLines("$GLASSFISH_HOME/bin/asadmin "),
                ENVIRONMENT);
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
