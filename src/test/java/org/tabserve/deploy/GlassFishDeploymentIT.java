package org.tabserve.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared end-to-end checks against the same WAR, unchanged, deployed at {@code /} in GlassFish 8 (Servlet 6.1,
 * a domain of its own), started once by the commands of docs/deploy.md's GlassFish section, read from it ({@code export
 * AS_JAVA}, {@code asadmin create-domain --portbase}, {@code startserv}, the {@code asadmin} commands against its admin
 * port, the WAR's deploy among them), at a port base whose ports are free while GlassFish's shipped ones (8080, 4848,
 * 8181, 3700, 7676, 8686, ...) are held taken, with the section's JVM option in its {@code domain.xml}; stopped by the
 * section's {@code asadmin stop-domain}, which must end the server's JVM ({@code startserv} execs it).
 */
class GlassFishDeploymentIT extends DeploymentChecks {

    static ApplicationServers.Started glassFish;

    @BeforeAll
    static void start() throws Exception {
        glassFish = ApplicationServers.startGlassFish(
                "glassfish-checks", DeployDoc.steps(GlassFishDeploymentIT.class), ENVIRONMENT, Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws Exception {
        if (glassFish != null) {
            glassFish.stopAsDocumented();
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
        return glassFish.server().base();
    }

    @Override
    List<String> log() {
        return glassFish.server().output();
    }
}
