package org.tabserve.launcher.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The launcher's HTTPS: the server's certificate chain and key ({@code --tls-cert}, {@code --tls-key}) and, with
 * {@code --tls-client-ca}, the certificate authority whose certificates every client must present, put in key stores
 * that live in memory only (no keytool step, no password on disk); and the connection factories of a port that speaks
 * TLS, HTTP/1.1 and h2 chosen by ALPN, so that REST, the pages and gRPC share the port as they share it in cleartext.
 */
public final class TlsConnectors {

    /** The ALPN names of the protocols served over TLS, preferred first. */
    static final String H2 = "h2";

    static final String HTTP_1_1 = "http/1.1";

    private TlsConnectors() {}

    /**
     * The TLS settings of the server's certificate, and of its clients' when {@code clientCa} is given.
     *
     * @throws IllegalArgumentException in words naming the flag and the file, for a file that is missing, not PEM,
     *                                  a key others may read or one that is not the certificate's
     */
    public static SslContextFactory.Server context(Path cert, Path key, Optional<Path> clientCa) {
        List<X509Certificate> chain = PemFiles.certificates(cert, "--tls-cert");
        PrivateKey privateKey = PemFiles.privateKey(key, "--tls-key");
        PemFiles.checkPair(privateKey, chain.get(0), key, cert);
        // The stores exist only in this process; their password guards nothing on disk and is made anew each start.
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("tabserve", privateKey, password.toCharArray(), chain.toArray(X509Certificate[]::new));
            ssl.setKeyStore(keys);
            ssl.setKeyStorePassword(password);
            ssl.setKeyManagerPassword(password);
            if (clientCa.isPresent()) {
                List<X509Certificate> authorities = PemFiles.certificates(clientCa.get(), "--tls-client-ca");
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                for (int i = 0; i < authorities.size(); i++) {
                    trusted.setCertificateEntry("client-ca-" + i, authorities.get(i));
                }
                ssl.setTrustStore(trusted);
                ssl.setNeedClientAuth(true); // no certificate of that authority: the handshake fails
            }
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("the JDK's PKCS12 key store refused a key it read: " + e, e);
        }
        return ssl;
    }

    /**
     * Lets the web app see a request's TLS: its scheme {@code https}, and the client's certificate chain as the
     * servlet attribute {@code jakarta.servlet.request.X509Certificate}. A request's {@code Host} is not checked
     * against the certificate's names (a client that connects to 127.0.0.1 with a certificate for {@code localhost}
     * has checked the name itself, or chosen not to).
     */
    public static void secure(HttpConfiguration http) {
        http.addCustomizer(new SecureRequestCustomizer(false));
    }

    /**
     * The factories of a port of HTTP/1.1 and h2 over TLS, chosen by ALPN (HTTP/1.1 for a client that names neither).
     *
     * @param http   the HTTP/1.1 configuration, {@link #secure secured}
     * @param http2  the h2 factory
     */
    public static ConnectionFactory[] https(
            SslContextFactory.Server ssl, HttpConfiguration http, AbstractHTTP2ServerConnectionFactory http2) {
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(H2, HTTP_1_1);
        alpn.setDefaultProtocol(HTTP_1_1);
        return new ConnectionFactory[] {
            new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, http2, new HttpConnectionFactory(http)
        };
    }

    /** The factories of a port of h2 alone over TLS (gRPC's own port). */
    public static ConnectionFactory[] h2Only(SslContextFactory.Server ssl, AbstractHTTP2ServerConnectionFactory http2) {
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(H2);
        alpn.setDefaultProtocol(H2);
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, http2};
    }
}
