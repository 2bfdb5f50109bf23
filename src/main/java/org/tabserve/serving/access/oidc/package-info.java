/**
 * OIDC bearer tokens as callers ({@code OidcTokens}): the issuer's keys found by discovery and kept, read again for an
 * unknown key at most so often ({@code IssuerKeys}), and a token checked (signature, algorithm, issuer, audience,
 * times) into a {@code serving.access.Caller}. The only package that imports nimbus-jose-jwt. Stands on {@code access} and {@code limits}.
 */
package org.tabserve.serving.access.oidc;
