/**
 * The one bound on every read from outside (an OIDC issuer's documents, an S3 store's listings and objects, Redis, the
 * trace collector): a total deadline from the first byte asked to the last byte read and a minimum rate, past either of
 * which the read is abandoned, said in words naming the setting, and counted. The JDK alone.
 *
 * <p>The one bound on every read from outside ({@code ReadBound}: a total deadline and a minimum rate, named settings,
 * a count of the reads abandoned; {@code OutboundRead}, one read under it, watched so that a peer that stops sending
 * frees its reader; {@code BoundedBody}, the JDK HTTP client's body under it), and the TLS context of the HTTP clients
 * that read from outside ({@code ClientTls}: the JVM's default, else its default trust where a container leaves the
 * default impossible to make). The JDK alone; the issuer's keys, the store, Redis and the trace export stand on it.
 */
package org.tabserve.outbound;
