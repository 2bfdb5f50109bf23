package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared end-to-end checks against the same WAR, unchanged, as {@code webapps/ROOT.war} in Tomcat 10.1. */
class TomcatDeploymentIT extends DeploymentChecks {

    static ServerProcess tomcat;

    @BeforeAll
    static void start() throws Exception {
        tomcat = Containers.startTomcat("tomcat-checks", ENVIRONMENT);
        tomcat.awaitReadiness(200, Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Override
    URI base() {
        return tomcat.base();
    }

    @Override
    java.util.List<String> log() {
        return tomcat.output();
    }
}
