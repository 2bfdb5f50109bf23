/**
 * The HTTP plumbing every route shares: the servlet base ({@link org.tabserve.web.http.ApiServlet}), the one error
 * type ({@link org.tabserve.web.http.HttpProblem}) and its renderer, body limits, gzip and the memory budget, the
 * filters, metrics, health, static files, config, views and the per-model router ({@code /models/{name}/...}). It
 * depends on the repository, the model and the servlet API only, never on a sibling package or on
 * {@code org.tabserve.web}: paths of routes served above it are constants in {@link org.tabserve.web.http.Routes}.
 */
package org.tabserve.web.http;
