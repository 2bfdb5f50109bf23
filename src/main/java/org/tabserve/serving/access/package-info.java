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
 */
package org.tabserve.serving.access;
