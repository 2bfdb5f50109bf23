package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared end-to-end checks against the same WAR, unchanged, deployed at {@code /} in WildFly (Undertow, Servlet
 * 6.1, {@code standalone.xml}), started once by the commands of docs/deploy.md's WildFly section.
 */
class WildFlyDeploymentIT extends DeploymentChecks {

    /** docs/deploy.md's deploy step: the deployment scanner deploys {@code ROOT.war} at the root context. */
    static final String DEPLOY = "cp target/tabserve.war $WILDFLY_HOME/standalone/deployments/ROOT.war";

    /** docs/deploy.md's start command (its ports changed to free ones here). */
    static final String START = "LAUNCH_JBOSS_IN_BACKGROUND=1 $WILDFLY_HOME/bin/standalone.sh -b 127.0.0.1"
            + " -bmanagement 127.0.0.1 -Djboss.http.port=8080 -Djboss.management.http.port=9990";

    static ServerProcess wildFly;

    @BeforeAll
    static void start() throws Exception {
        wildFly = ApplicationServers.startWildFly("wildfly-checks", DEPLOY, START, ENVIRONMENT);
        wildFly.awaitReadiness(200, Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (wildFly != null) {
            wildFly.close();
        }
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
