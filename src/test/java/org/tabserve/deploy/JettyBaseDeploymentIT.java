package org.tabserve.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.time.Duration;

/**
 * The shared end-to-end checks against the WAR deployed as {@code webapps/ROOT.war} in a Jetty base built by
 * {@code deploy/jetty-base.sh} on jetty-home from Maven Central: the Docker image, reproduced without Docker.
 *
 * <p>It stands for these commands of docs/deploy.md, which need a Docker engine: the image is this Jetty base, built
 * by the same script, started as the image starts it, with {@code java.io.tmpdir} on its own writable directory (the
 * image's {@code /tmp/jetty} under a read-only root), and checked end to end.
 * <pre>
 * docker build -t tabserve .
 * docker run --rm -p 8080:8080 tabserve
 * docker run --rm -p 8080:8080 --read-only --tmpfs /tmp:rw,exec,size=512m tabserve
 * </pre>
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
