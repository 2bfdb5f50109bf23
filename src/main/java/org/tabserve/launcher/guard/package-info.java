/**
 * The guards the embedded server puts in front of the web app, each bounding what one client may hold or send: a
 * deadline on a request's headers, minimum rates for its body and its answer, the HTTP/2 header limit per stream and
 * the streams per client address, and the mark of a request whose client went away, for the access log; a gRPC call
 * they refuse gets a trailers-only answer. They stand on Jetty's public API alone and know nothing of the launcher's
 * options, which the launcher's {@code EmbeddedServer} reads and passes in.
 *
 * <p>The guards {@code EmbeddedServer} puts in front of the web app, each bounding what one client may hold or send:
 * {@code HeaderDeadline}, {@code MinimumBodyRate}, {@code MinimumResponseRate}, {@code Http2HeaderLimit},
 * {@code ClientStreamLimit}, and {@code ClientAbort} (a request whose client went away, 499 in the access log);
 * {@code GrpcTrailersOnly} is their gRPC refusal. On Jetty's public API alone; it never names {@code launcher}, whose
 * options {@code EmbeddedServer} reads and passes in.
 */
package org.tabserve.launcher.guard;
