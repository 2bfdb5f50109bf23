package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared end-to-end checks against the same WAR, unchanged, deployed at {@code /} in WildFly (Undertow, Servlet
 * 6.1, {@code standalone.xml}), started once by the commands of docs/deploy.md's WildFly section, read from it
 * ({@code cp} of the WAR, {@code standalone.sh} with each port named), with its ports changed to free ones while
 * WildFly's shipped ones (8080, 8443, 9990, 9993) are held taken, and its default HTTP listener and IO worker as the
 * section writes them; stopped by the section's {@code jboss-cli.sh} shutdown, which must end WildFly's JVM.
 */
class WildFlyDeploymentIT extends DeploymentChecks {

    static ApplicationServers.Started wildFly;

    @BeforeAll
    static void start() throws Exception {
        wildFly = ApplicationServers.startWildFly(
                "wildfly-checks", DeployDoc.steps(WildFlyDeploymentIT.class), ENVIRONMENT, Duration.ofSeconds(300));
    }

    @AfterAll
    static void stop() throws Exception {
        if (wildFly != null) {
            wildFly.stopAsDocumented();
        }
    }

    @Override
    String endsAClosingAnswerByClosingBecause() {
        return "WildFly 39 (Undertow) ends a streamed answer on a connection the client asked to close by closing it,"
                + " without chunks, though the app set trailer fields (which make Jetty and Tomcat chunk): there a cut"
                + " answer reads as a shorter one unless the client keeps its connection (docs/deploy.md, WildFly)";
    }

    @Override
    String losesARefusalSentMidBodyBecause() {
        return "WildFly 39 (Undertow) closes the connection as soon as the app refuses a body without a length that"
                + " outgrows the upload limit, with the body still arriving, so the client's socket is reset before"
                + " it reads the 413 (docs/deploy.md, WildFly)";
    }

    @Override
    URI base() {
        return wildFly.server().base();
    }

    @Override
    List<String> log() {
        return wildFly.server().output();
    }
}
