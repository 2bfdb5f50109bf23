/**
 * OIDC bearer tokens as callers ({@code OidcTokens}): the issuer's keys found by discovery and kept, read again for an
 * unknown key at most so often ({@code IssuerKeys}, the {@code JWKSource} of Nimbus' {@code DefaultJWTProcessor}), every
 * read from the issuer through {@code IssuerReads} (Nimbus' {@code ResourceRetriever} on the one bounded read of
 * {@code org.tabserve.outbound}), and a token checked (signature, algorithm, issuer, audience, times) by that processor
 * into a {@code serving.access.Caller}. The only package that imports nimbus-jose-jwt. Stands on {@code access} and {@code limits}.
 *
 * <p>OIDC bearer tokens ({@code --oidc-issuer}, {@code --oidc-audience}, {@code --oidc-scopes-claim}):
 * {@code OidcTokens} checks a JWT (RS256/ES256/PS256, issuer, audience, {@code exp}/{@code nbf} with 60 s skew, 8192
 * characters at most) into a {@code Caller}, its scopes from a claim, checked tokens kept a minute in a bounded cache;
 * a token's client is {@code oidc:AZP}; {@code IssuerKeys} finds the issuer's JWKS by discovery, keeps it, reads it
 * again in the background for an unknown {@code kid} (one read at a time, at most every 30 s; no request waits on it),
 * every read under one {@code org.tabserve.outbound.ReadBound} ({@code --oidc-read-deadline},
 * {@code --oidc-min-read-rate}), the start waiting for the first at most the deadline, and asks an issuer down at start
 * again in the background. {@code OidcLogin}, a person's sign-in ({@code --oidc-login-client}): the code flow's
 * messages with Nimbus' OAuth 2 SDK (PKCE S256, state, nonce, the token endpoint read under the same bound, the
 * issuer's sign-out), its ID token checked by the tokens' one check into a {@code SignedIn}. Every read over TLS on
 * {@code org.tabserve.outbound.ClientTls}'s context, which GlassFish's settings cannot break. The only package that
 * imports nimbus-jose-jwt and oauth2-oidc-sdk. Stands on {@code access}, {@code limits} and {@code outbound}.
 */
package org.tabserve.serving.access.oidc;
