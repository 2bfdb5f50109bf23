package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared end-to-end checks against the same WAR, unchanged, deployed at {@code /} in GlassFish 8 (Servlet 6.1,
 * its {@code domain1}), started once by the commands of docs/deploy.md's GlassFish section, read from it:
 * <pre>
 * $GLASSFISH_HOME/bin/startserv domain1
 * $GLASSFISH_HOME/bin/asadmin create-system-properties org.glassfish.microprofile.health.enabled=false
 * $GLASSFISH_HOME/bin/asadmin set configs.config.server-config.network-config.protocols.protocol.http-listener-1.http.xpowered-by=false
 * $GLASSFISH_HOME/bin/asadmin set configs.config.server-config.thread-pools.thread-pool.http-thread-pool.max-thread-pool-size=96
 * $GLASSFISH_HOME/bin/asadmin create-system-properties tabserve.non-blocking-bodies=false
 * $GLASSFISH_HOME/bin/asadmin deploy --contextroot / --name tabserve target/tabserve.war
 * </pre>
 * with the domain's ports changed to free ones, its listeners on 127.0.0.1, and the section's JVM option in its
 * {@code domain.xml}.
 */
class GlassFishDeploymentIT extends DeploymentChecks {

    static ServerProcess glassFish;

    @BeforeAll
    static void start() throws Exception {
        glassFish = ApplicationServers.startGlassFish(
                "glassfish-checks",
                ApplicationServers.deployDocLine("$GLASSFISH_HOME/bin/startserv "),
                ApplicationServers.deployDocLines("$GLASSFISH_HOME/bin/asadmin "),
                ENVIRONMENT);
        glassFish.awaitReadiness(200, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (glassFish != null) {
            glassFish.close();
        }
    }

    @Override
    String invitesTheBodyBeforeTheApp() {
        return "GlassFish 8 (Grizzly) answers Expect: 100-continue with 100 Continue as the request arrives, before the"
                + " app runs, and has no setting to wait for the app's first read: a body the app refuses on its"
                + " declared length is invited all the same (the 413 and its words follow), and the connection stays"
                + " open for it (docs/deploy.md, GlassFish)";
    }

    @Override
    public String readsTricklingBodiesOnAThreadBecause() {
        return "GlassFish 8 sends an answer given after its request went asynchronous with the status 200, whatever"
                + " the app set (a 400's or a 408's body under 200 OK), so the app reads small bodies ahead on the"
                + " request's thread there (tabserve.non-blocking-bodies=false), with threads enough for them"
                + " (max-thread-pool-size=96), and GlassFish's own timeouts end a trickle (docs/deploy.md, GlassFish)";
    }

    @Override
    public String cutsNoHeaderTrickleBecause() {
        return "GlassFish 8 (Grizzly) has no deadline for a request's headers: its read timeout starts again with every"
                + " byte, so a trickle holds its connection while it trickles; Grizzly holds a silent connection for"
                + " little heap, and the flood did not keep the probe waiting (docs/deploy.md, GlassFish)";
    }

    @Override
    Optional<String> noGrpcBecause() {
        return Optional.of("GlassFish 8 (Grizzly's HTTP/2) ends gRPC calls with INTERNAL \"Half-closed without a"
                + " request\", from grpc-java and grpcio: in one run the refusals alone, in the next the calls that"
                + " should succeed too; gRPC is not served there, REST v2 is (docs/deploy.md, GlassFish)");
    }

    @Override
    URI base() {
        return glassFish.base();
    }

    @Override
    List<String> log() {
        return glassFish.output();
    }
}
