package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The WAR in Tomcat 11, made and started by docs/deploy.md's steps of the section "Tomcat 11" as
 * {@link Tomcat11DeploymentIT} starts it, for a test of another package that needs the app in a servlet container
 * (KeycloakIT's sign-in), its settings given as {@code TABSERVE_*} environment variables, as the page says.
 */
public final class Tomcat11Server implements AutoCloseable {

    private final ServerProcess tomcat;

    private Tomcat11Server(ServerProcess tomcat) {
        this.tomcat = tomcat;
    }

    /**
     * Starts Tomcat 11 in a fresh base {@code target/it/NAME} and waits for the app's readiness.
     *
     * @param environment the server's environment beside JAVA_HOME and CATALINA_OPTS (the app's settings)
     */
    public static Tomcat11Server start(String name, Map<String, String> environment) throws Exception {
        return new Tomcat11Server(Containers.startTomcat(
                name, DeployDoc.steps(Tomcat11DeploymentIT.class), environment, Duration.ofSeconds(180)));
    }

    /** @return the app's base URI, ending in {@code /} */
    public URI uri() {
        return tomcat.base();
    }

    /** @return what Tomcat and the app have printed so far */
    public String log() {
        return tomcat.log();
    }

    @Override
    public void close() throws InterruptedException {
        tomcat.close();
    }
}
