package org.tabserve.deploy;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;

/**
 * The suite against Tomcat 11 as Maven Central has it ({@code org.apache.tomcat:tomcat} tar.gz, unpacked by failsafe's
 * pre-integration-test), the WAR unchanged as {@code webapps/ROOT.war} of a CATALINA_BASE of the test's own, made and
 * started by the steps of docs/deploy.md's section "Tomcat 11", read from the page.
 */
class Tomcat11DeploymentIT extends TomcatChecks {

    @BeforeAll
    static void start() throws Exception {
        tomcat = Containers.startTomcat(
                "tomcat11", DeployDoc.steps(Tomcat11DeploymentIT.class), ENVIRONMENT, Duration.ofSeconds(180));
    }
}
