/**
 * The launcher's output under {@code java -jar}: the access log on stdout and the server's own log on stderr, each
 * written by a {@link org.tabserve.launcher.output.LineWriter} from a thread of its own, so that no request, stop or
 * other thread of the server ever waits for a stream that nobody reads.
 */
package org.tabserve.launcher.output;
