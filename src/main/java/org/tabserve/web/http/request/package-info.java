/**
 * What a request asks, read one way on every route: its media type ({@code Content-Type}), its query and form
 * parameters, and the two questions any scoring route takes, {@code explain} and {@code coverage}, each refused with
 * the same 400 naming the field wherever it is asked. Stands on {@code org.tabserve.web.http} alone.
 *
 * <p>What a request asks, read one way on every route: {@code MediaType}, {@code RequestParameters} (a query's
 * parameter through {@code web.http.QueryParameter}, the one reader the route servlet shares), {@code AskedFields}
 * ({@code ?explain=} and {@code ?coverage=}, read by the one rule of {@code rows}' {@code ExplainField} and
 * {@code CoverageField}, which the JSON bodies' readers use too). Stands on {@code http}.
 */
package org.tabserve.web.http.request;
