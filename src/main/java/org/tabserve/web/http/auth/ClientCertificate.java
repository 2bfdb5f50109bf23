package org.tabserve.web.http.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The name a TLS client certificate gives its caller: the common name (CN) of the subject of the certificate the
 * client presented, which the container checked against the authority it trusts (the launcher's
 * {@code --tls-client-ca}) and hands the web app as the servlet attribute {@value #ATTRIBUTE}. gRPC's servlet
 * transport tells its calls only the request's headers, so a gRPC request carries the name to its call in a header
 * of the server's own ({@value #GRPC_HEADER}), which {@link #carried} sets from the certificate and never takes from
 * the client.
 */
public final class ClientCertificate {

    /** The servlet attribute of a request's client certificate chain (Servlet 6, section 3.10). */
    static final String ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
    /** The header that carries the name to a gRPC call: set by the server alone, a client's own is dropped. */
    public static final String GRPC_HEADER = "x-tabserve-client-certificate";
    /** The longest name taken: a CN is at most 64 characters (RFC 5280's ub-common-name). */
    static final int MAX_NAME = 64;

    private ClientCertificate() {}

    /**
     * What a certificate whose subject has more than one CN is named, carried as a name is: longer than
     * {@link #MAX_NAME}, so that no certificate's CN is ever taken for it. Such a certificate names no client: its
     * request is refused (401) in these words, as which of its CNs names it is not for the server to choose.
     */
    static final String SEVERAL_NAMES = "the client certificate's subject has more than one CN (common name), so it"
            + " names no client: present a certificate whose subject has one CN";
    /** The prefix of the name of a certificate's client that no keys file's line names: no keys file name has a colon. */
    static final String CLIENT_PREFIX = "cert:";

    /**
     * @return the CN of the subject of the request's client certificate, or null when it presented none (or its
     *         subject has no CN, or one longer than {@link #MAX_NAME} or with control characters), or
     *         {@link #SEVERAL_NAMES} when its subject has more than one CN
     */
    public static String nameOf(HttpServletRequest request) {
        Object chain = request.getAttribute(ATTRIBUTE);
        if (!(chain instanceof X509Certificate[] certificates) || certificates.length == 0) {
            return null;
        }
        return commonName(certificates[0]);
    }

    /** @return the CN of {@code certificate}'s subject, {@link #SEVERAL_NAMES} when it has more than one, or null */
    static String commonName(X509Certificate certificate) {
        String found = null;
        int names = 0;
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names++;
                    found = rdn.getValue() instanceof String name ? name : null;
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        if (names > 1) {
            return SEVERAL_NAMES;
        }
        if (found == null
                || found.isEmpty()
                || found.length() > MAX_NAME
                || found.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return found;
    }

    /**
     * A gRPC request as its call is to see it: without any {@value #GRPC_HEADER} the client sent, and with the name of
     * its client certificate in that header when it presented one.
     */
    public static HttpServletRequest carried(HttpServletRequest request) {
        String name = nameOf(request);
        if (name == null && request.getHeader(GRPC_HEADER) == null) {
            return request; // nothing to carry and nothing to drop: the request as it came, at no cost
        }
        return new Carried(request, name);
    }

    private static final class Carried extends HttpServletRequestWrapper {
        private final String name;

        Carried(HttpServletRequest request, String name) {
            super(request);
            this.name = name;
        }

        private static boolean ours(String header) {
            return header != null && header.toLowerCase(Locale.ROOT).equals(GRPC_HEADER);
        }

        @Override
        public String getHeader(String header) {
            return ours(header) ? name : super.getHeader(header);
        }

        @Override
        public Enumeration<String> getHeaders(String header) {
            if (ours(header)) {
                return Collections.enumeration(name == null ? List.of() : List.of(name));
            }
            return super.getHeaders(header);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new java.util.ArrayList<>();
            for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                String header = e.nextElement();
                if (!ours(header)) {
                    names.add(header);
                }
            }
            if (name != null) {
                names.add(GRPC_HEADER);
            }
            return Collections.enumeration(names);
        }
    }
}
