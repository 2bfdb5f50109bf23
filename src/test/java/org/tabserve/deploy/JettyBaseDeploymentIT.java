package org.tabserve.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.time.Duration;

/**
 * The shared end-to-end checks against the WAR deployed as {@code webapps/ROOT.war} in a Jetty base built by
 * {@code deploy/jetty-base.sh} on jetty-home from Maven Central: the Docker image, reproduced without Docker.
 */
class JettyBaseDeploymentIT extends DeploymentChecks {

    static ServerProcess jetty;

    @BeforeAll
    static void start() throws Exception {
        jetty = Containers.startJettyBase("jetty-base-checks", ENVIRONMENT);
        jetty.awaitReadiness(200, Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (jetty != null) {
            jetty.close();
        }
    }

    @Override
    URI base() {
        return jetty.base();
    }

    @Override
    java.util.List<String> log() {
        return jetty.output();
    }
}
