/**
 * Who is calling: the credentials a request carries (the admin token, the feedback token) checked in constant time,
 * refusals answered 401 or 403 and logged without the credential, at most once a minute of each kind. Stands on
 * {@code org.tabserve.web.http} alone; the protocols' handlers and gRPC service ask it, never the other way round.
 */
package org.tabserve.web.http.auth;
