/**
 * HTTPS for the launcher's port: the PEM files of {@code --tls-cert}, {@code --tls-key} and {@code --tls-client-ca}
 * read with the JDK alone into key stores in memory, and the TLS connection factories that serve HTTP/1.1 and h2 by
 * ALPN with them.
 */
package org.tabserve.launcher.tls;
