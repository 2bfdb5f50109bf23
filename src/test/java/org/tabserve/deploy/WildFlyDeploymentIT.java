package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared end-to-end checks against the same WAR, unchanged, deployed at {@code /} in WildFly (Undertow, Servlet
 * 6.1, {@code standalone.xml}), started once by the commands of docs/deploy.md's WildFly section, read from it:
 * <pre>
 * cp target/tabserve.war $WILDFLY_HOME/standalone/deployments/ROOT.war
 * LAUNCH_JBOSS_IN_BACKGROUND=1 $WILDFLY_HOME/bin/standalone.sh -b 127.0.0.1 -bmanagement 127.0.0.1 -Djboss.http.port=8080 -Djboss.management.http.port=9990
 * </pre>
 * with its ports changed to free ones, and its default HTTP listener and IO worker as the section writes them.
 */
class WildFlyDeploymentIT extends DeploymentChecks {

    static ServerProcess wildFly;

    @BeforeAll
    static void start() throws Exception {
        wildFly = ApplicationServers.startWildFly(
                "wildfly-checks",
                ApplicationServers.deployDocLine("cp target/tabserve.war $WILDFLY_HOME/"),
                ApplicationServers.deployDocLine("LAUNCH_JBOSS_IN_BACKGROUND=1 $WILDFLY_HOME/bin/standalone.sh "),
                ENVIRONMENT);
        wildFly.awaitReadiness(200, Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (wildFly != null) {
            wildFly.close();
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
        return wildFly.base();
    }

    @Override
    List<String> log() {
        return wildFly.output();
    }
}
