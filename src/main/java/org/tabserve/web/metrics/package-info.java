/**
 * {@code GET /metrics}, the registry's series in the Prometheus exposition format a scraper asks for, each format
 * rendered once for all the scrapes that ask at the same time. Stands on {@code http} (the shared answer, the route's
 * handler shape), {@code serving} (the metrics and the memory budget) and Prometheus' client; never on another
 * protocol, the pages or {@code org.tabserve.web}.
 *
 * <p>{@code GET /metrics} ({@code MetricsHandler}): the registry's series in the exposition format the scraper asks
 * for, each format rendered once for the scrapes that ask at the same time ({@code SharedAnswer}); a query goes to the
 * Prometheus client's own handler. Stands on {@code http} as the protocols do.
 */
package org.tabserve.web.metrics;
