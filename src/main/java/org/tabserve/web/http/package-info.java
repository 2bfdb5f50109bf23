/**
 * The HTTP plumbing every route shares: the one route table ({@link org.tabserve.web.http.RouteTable}) and the servlet
 * that serves it, handing each handler the model its request resolved to; the one error type
 * ({@link org.tabserve.web.http.HttpProblem}) and its renderer, the one place the rows' and the serving layer's
 * refusals become HTTP; media types, body limits, gzip, the concurrency slots, the filters, the metrics filter,
 * health, static files, config and views. It depends on {@code org.tabserve.serving}, the repository, the rows, the
 * model and the servlet API only, never on a sibling package or on {@code org.tabserve.web}: the root paths others name
 * are constants in {@link org.tabserve.web.http.Routes}.
 */
package org.tabserve.web.http;
