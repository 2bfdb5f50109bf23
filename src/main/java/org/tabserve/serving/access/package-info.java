/**
 * Who is calling, as the serving layer knows it: a {@link org.tabserve.serving.access.Caller} (a name and its
 * {@link org.tabserve.serving.access.Grant}s, each a {@link org.tabserve.serving.access.Scope} on one model or on all),
 * refused in words with a {@code ServingException} that every transport maps to its own status (HTTP 401 or 403, gRPC
 * UNAUTHENTICATED or PERMISSION_DENIED), and the API keys file that names the callers ({@link
 * org.tabserve.serving.access.ApiKeys}), read from a file only the server's user can write, re-read when it changes
 * and matched in constant time; each client's rate, a token bucket of its own ({@link
 * org.tabserve.serving.access.Quota}) or, with the fleet's shared store, the fleet's ({@link
 * org.tabserve.serving.access.ClientBuckets}, through {@link org.tabserve.serving.access.SharedBuckets}). No servlet, gRPC or HTTP type: the web layer reads the credential out of its request
 * and asks here. Stands on {@code limits}.
 *
 * <p>Who is calling, as serving knows it: {@code Caller} (a name and its {@code Grant}s, each a {@code Scope} on one
 * model or all) and its one refusal ({@code require}: {@code ServingException} UNAUTHENTICATED or FORBIDDEN, naming the
 * scope), asked by every route's check and by the scoring entry point for explanations; the API keys file
 * ({@code ApiKeys}, read and checked by {@code KeysFile}: owner-only, re-read when it changes, keys matched by SHA-256
 * in constant time; the admin and feedback tokens as keys the settings give, {@code ApiKeys.given}); the pages' sessions as the fleet's shared store keeps them ({@code SharedSessions}, sealed values
 * under digests of their ids, implemented by {@code serving.shared}); each client's rate, a token bucket of its own
 * ({@code Quota}, {@code 20/s} to {@code 50000/d}; by name for OIDC and certificate clients, {@code ClientRates},
 * {@code --client-rates}), or the fleet's in the shared store ({@code ClientBuckets} over {@code SharedBuckets}, the
 * client's own bucket while the store does not answer), which {@code web.http.auth.Access} asks before a request goes
 * on (429). Stands on {@code limits}.
 */
package org.tabserve.serving.access;
