/**
 * The servlets and filters the wiring hands the container beside the route servlet: the container's own errors as
 * problems ({@code ErrorServlet}), the web app's static files, the security headers on every answer, CORS for
 * browser pages of the listed origins, and a servlet built at its first request. Stands on {@code org.tabserve.web.http} and {@code limits}; only the wiring uses it.
 *
 * <p>The servlets and filters the wiring hands the container beside the route servlet: the container's errors as
 * problems ({@code ErrorServlet}), static files ({@code StaticServlet}), the security headers
 * ({@code SecurityHeadersFilter}), paths with an encoded slash, backslash or NUL refused where the container passes
 * them on ({@code SuspiciousPathFilter}), a servlet built at its first request ({@code FirstRequestServlet}). Stands on
 * {@code http} and {@code limits}; only the wiring uses it.
 */
package org.tabserve.web.http.container;
