package org.tabserve.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.tabserve.testing.CodeFlowIssuer;
import org.tabserve.testing.JoseIssuer;
import org.tabserve.testing.TricklingProxy;

/**
 * The deployment suite's OIDC issuer, one per test JVM, up before any runtime starts: a real issuer of the test's own
 * ({@link JoseIssuer}) with the code flow ({@link CodeFlowIssuer}, signing in {@link #PERSON}), seen by the runtimes
 * through a {@link TricklingProxy} that can hold its token endpoint's answers, and the login client's secret in a file
 * only its owner reads. {@link #ENVIRONMENT} turns a person's sign-in on in every runtime the suite starts
 * ({@link SignInChecks}).
 */
final class SuiteIssuer {

    /** The person the issuer signs in. */
    static final String PERSON = "alice";
    /** The most sign-ins one address may start in ten minutes, as each runtime of the suite is started. */
    static final int STARTS_PER_ADDRESS = 20;

    static final JoseIssuer ISSUER;
    static final CodeFlowIssuer FLOW;
    static final TricklingProxy PROXY;

    static {
        try {
            ISSUER = JoseIssuer.start();
            FLOW = CodeFlowIssuer.on(ISSUER);
            FLOW.signsIn(PERSON, "read");
            PROXY = TricklingProxy.to(ISSUER.address());
            ISSUER.seenAt(PROXY.uri());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The variables of a person's sign-in (docs/security.md): the issuer, the audience, the login client and its
     * secret's file, a read deadline long enough for a held token endpoint to be the test's to end (and no minimum rate,
     * whose 2 s grace a loaded runtime passed before the test counted its answers, abandoning a held body first), and
     * the bound of starts an address.
     */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "TABSERVE_OIDC_ISSUER",
            ISSUER.issuer(),
            "TABSERVE_OIDC_AUDIENCE",
            "tabserve",
            "TABSERVE_OIDC_READ_DEADLINE",
            "60",
            "TABSERVE_OIDC_MIN_READ_RATE",
            "0",
            "TABSERVE_OIDC_LOGIN_CLIENT",
            CodeFlowIssuer.CLIENT,
            "TABSERVE_OIDC_LOGIN_SECRET_FILE",
            secretFile().toString(),
            "TABSERVE_MAX_LOGIN_STARTS_PER_ADDRESS",
            Integer.toString(STARTS_PER_ADDRESS));

    private SuiteIssuer() {}

    /** The login client's secret, in a file and folder only their owner reads (security.md). */
    private static Path secretFile() {
        return Containers.ownerOnlyFile("suite-login", "secret", CodeFlowIssuer.SECRET + "\n");
    }
}
