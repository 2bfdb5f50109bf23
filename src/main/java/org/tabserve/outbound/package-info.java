/**
 * The one bound on every read from outside (an OIDC issuer's documents, an S3 store's listings and objects, Redis, the
 * trace collector): a total deadline from the first byte asked to the last byte read and a minimum rate, past either of
 * which the read is abandoned, said in words naming the setting, and counted. The JDK alone.
 */
package org.tabserve.outbound;
