package org.tabserve.outbound;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * The TLS context of the server's HTTP clients that read from outside (the OIDC issuer, the trace collector): the JVM's
 * default, or, where the container leaves that one impossible to make, one of the JVM's default trust and no client
 * key. GlassFish names its own key store in
 * {@code javax.net.ssl.keyStore} without its password, so that the JDK's default context fails ({@code Get Key
 * failed}) and with it every {@code HttpClient} built on it: the web app failed to deploy there with an OIDC issuer.
 * The server shows the
 * issuer and the collector no certificate of its own, so the key store is not its to need.
 */
public final class ClientTls {

    private static final Logger LOG = Logger.getLogger(ClientTls.class.getName());

    private ClientTls() {}

    /** @return the JVM's default TLS context, else one of its default trust and no client key, said in the log */
    public static SSLContext context() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException cannot) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, null, null); // no key managers: no client key; the default trust managers
                LOG.info("the JVM's default TLS context cannot be made (" + rootCause(cannot)
                        + "); reads from outside are" + " made with the JVM's default trust and no client certificate");
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no TLS context for reads from outside: " + rootCause(e), e);
            }
        }
    }

    private static String rootCause(Throwable thrown) {
        Throwable cause = thrown;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
