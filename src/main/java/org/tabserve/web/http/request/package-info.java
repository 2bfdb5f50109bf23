/**
 * What a request asks, read one way on every route: its media type ({@code Content-Type}), its query and form
 * parameters, and the two questions any scoring route takes, {@code explain} and {@code coverage}, each refused with
 * the same 400 naming the field wherever it is asked. Stands on {@code org.tabserve.web.http} alone.
 */
package org.tabserve.web.http.request;
