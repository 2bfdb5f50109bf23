package org.tabserve.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * The suite against Debian's Tomcat 10.1 (packages {@code tomcat10} and {@code tomcat10-user}, which .ci/run
 * installs), the WAR unchanged as {@code webapps/ROOT.war} of a CATALINA_BASE of the test's own, made and started by
 * the steps of docs/deploy.md's section "Debian's Tomcat 10.1", read from the page.
 */
class DebianTomcatDeploymentIT extends TomcatChecks {

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/share/tomcat10/bin/catalina.sh"))
                        && Files.isExecutable(Path.of("/usr/bin/tomcat10-instance-create")),
                "Debian's Tomcat 10.1 is not installed (apt-get install -y tomcat10 tomcat10-user)");
        tomcat = Containers.startTomcat(
                "tomcat10-debian",
                DeployDoc.steps(DebianTomcatDeploymentIT.class),
                ENVIRONMENT,
                Duration.ofSeconds(180));
    }

    /**
     * Debian's Tomcat 10.1.60 takes Python grpcio's calls (docs/deploy.md, "gRPC on Tomcat"): a refusal there fails
     * the suite's grpcio case instead of skipping it, as Tomcat 11.0.24's is skipped.
     */
    @Override
    Optional<String> noPythonGrpcBecause(String clientOutput) {
        return Optional.empty();
    }
}
