/**
 * OIDC bearer tokens as callers ({@link org.tabserve.serving.access.oidc.OidcTokens}): the issuer's keys found by
 * discovery and kept, refreshed for an unknown key at most so often, and a token checked (signature, algorithm,
 * issuer, audience, times) into a {@link org.tabserve.serving.access.Caller}. The only package that imports
 * nimbus-jose-jwt, so that a server without an issuer never loads it. Stands on {@code access} and {@code limits}.
 */
package org.tabserve.serving.access.oidc;
