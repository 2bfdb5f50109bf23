/**
 * The HTTP plumbing every route shares, the ground floor of the web layer: the one route table
 * ({@link org.tabserve.web.http.RouteTable}) and the servlet that serves it, handing each handler the model its request
 * resolved to; the one error type ({@link org.tabserve.web.http.HttpProblem}) and its renderer, the one place the rows'
 * and the serving layer's refusals become HTTP (or a gRPC status); JSON, the settings, views, page links, health, the
 * metrics filter and the answers shared by the requests that ask at once. Its jobs are the packages below it, which
 * stand on it and never the other way round: {@code request} (what a request asks), {@code limits} (back-pressure and
 * bounded inputs), {@code auth} (who is calling) and {@code container} (the servlets and filters the container runs
 * beside the route servlet). It depends on {@code org.tabserve.serving}, the repository, the rows, the model and the
 * servlet API only, never on a sibling package or on {@code org.tabserve.web}: the root paths others name are
 * constants in {@link org.tabserve.web.http.Routes}.
 *
 * <p>HTTP plumbing only, the ground floor of the web layer: {@code RouteTable} (routes as data: pattern, methods,
 * handler, error shape) and {@code RouteServlet}, which serves it (404, 405 with {@code Allow}, {@code OPTIONS}, the
 * model lease) and hands each {@code Handler} its {@code ResolvedModel}; one error type ({@code HttpProblem}) and its
 * renderer ({@code ErrorRenderer}), the one place a {@code RowsException} or a {@code ServingException} becomes an HTTP
 * answer, and {@code GrpcRefusal}, the same refusal as a gRPC status; JSON, the settings ({@code WebConfig}), views,
 * page links, health, the metrics filter, the answers shared by the requests that ask at once ({@code SharedAnswer},
 * {@code ModelBytes}) or streamed ({@code StreamedAnswer}). Names no sibling package, and none of its own jobs'
 * packages below.
 */
package org.tabserve.web.http;
