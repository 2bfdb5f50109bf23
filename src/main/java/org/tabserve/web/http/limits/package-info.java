/**
 * Back-pressure and bounded inputs: the concurrency limit and its slots (uploads and small requests in shares of
 * their own, the readers' lanes), small bodies read before they take a slot, request bodies counted against their
 * limits as they are read, gzip bodies inflated under the same limits. Each refusal is an
 * {@link org.tabserve.web.http.HttpProblem} written by the one renderer. Stands on {@code org.tabserve.web.http} and
 * {@code request}.
 *
 * <p>Back-pressure and bounded inputs: the concurrency limit and its slots ({@code ConcurrencyLimitFilter},
 * {@code ConcurrencySlots}, the readers' lanes, {@code ReaderLaneFilter}), small bodies read before they take a slot
 * ({@code ArrivedBody}, {@code BlockingBody}), without holding a thread while they arrive and no slower than a minimum
 * rate ({@code BodyReadAhead}, {@code BodyRate}), bodies counted against their limits ({@code LimitedInputStream}), gzip
 * bodies ({@code RequestEncodingFilter}, {@code GzipInput}). Stands on {@code http} and {@code request}.
 *
 * <p>Multipart uploads held to one count of parts and one size of a part's headers in every container, and a
 * container's own multipart refusals told apart ({@code MultipartRefusal}).
 */
package org.tabserve.web.http.limits;
