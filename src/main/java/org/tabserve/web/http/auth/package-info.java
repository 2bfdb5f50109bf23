/**
 * Who is calling: {@link org.tabserve.web.http.auth.Access}, the one place a request's credential (an API key, the
 * admin token, the feedback token, each checked in constant time) becomes the serving layer's {@code Caller}, and the
 * one check of what it may do, for the route table (as its {@code Gate}) and the gRPC service alike; refusals are
 * answered 401 or 403 and logged without the credential, at most once a minute of each kind; and whether a server
 * that asks no credential is open to the network ({@link org.tabserve.web.http.auth.Exposure}); the audit log of
 * admin actions, refused credentials and reads of the keys file ({@link org.tabserve.web.http.auth.AuditLog}). Stands on
 * {@code org.tabserve.web.http} alone; the wiring, the protocols' handlers and the gRPC service use it.
 *
 * <p>Who is calling: {@code Access}, the one place a request's credential (an API key of {@code --api-keys}, an OIDC
 * token of {@code --oidc-issuer} ({@code serving.access.oidc}), the admin token {@code AdminToken}, the feedback token
 * {@code FeedbackToken}, those two API keys of their own clients, {@code admin-token} and {@code feedback-token})
 * becomes a {@code serving.access.Caller}, and the one check of a route's scope, for the route
 * table (its {@code Gate}) and the gRPC service alike; {@code Exposure}, whether a server that asks no credential is
 * open to the network; {@code AuditLog} ({@code --audit-log}), admin actions, refused credentials and reads of the keys
 * file as JSON lines. Stands on {@code http}.
 */
package org.tabserve.web.http.auth;
