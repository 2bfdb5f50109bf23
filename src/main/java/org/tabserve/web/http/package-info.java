/**
 * The HTTP plumbing every route shares: the one route table ({@link org.tabserve.web.http.RouteTable}) and the servlet
 * that serves it, the model a request resolves to ({@link org.tabserve.web.http.ResolvedModel}), the one error type
 * ({@link org.tabserve.web.http.HttpProblem}) and its renderer, media types, body limits, gzip and the memory budget,
 * the filters, metrics, health, static files, config and views. It depends on the repository, the model and the
 * servlet API only, never on a sibling package or on {@code org.tabserve.web}: the root paths others name are
 * constants in {@link org.tabserve.web.http.Routes}.
 */
package org.tabserve.web.http;
