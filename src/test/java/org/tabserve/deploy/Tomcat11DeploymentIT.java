package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The suite against Tomcat 11 as Maven Central has it ({@code org.apache.tomcat:tomcat} tar.gz, unpacked by failsafe's
 * pre-integration-test), the WAR unchanged as {@code webapps/ROOT.war} of a CATALINA_BASE of the test's own, made and
 * started by the steps of docs/deploy.md's section "Tomcat 11", read from the page.
 */
class Tomcat11DeploymentIT extends TomcatChecks {

    static ServerProcess tomcat;

    @BeforeAll
    static void start() throws Exception {
        tomcat = Containers.startTomcat("tomcat11", DeployDoc.steps(Tomcat11DeploymentIT.class), ENVIRONMENT);
        tomcat.awaitReadiness(200, Duration.ofSeconds(120));
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
    List<String> log() {
        return tomcat.output();
    }
}
