/**
 * The launcher's output under {@code java -jar}: the access log on stdout and the server's own log on stderr, each
 * written by a {@link org.tabserve.launcher.output.LineWriter} from a thread of its own, so that no request, stop or
 * other thread of the server ever waits for a stream that nobody reads.
 *
 * <p>The process's output under {@code java -jar}: {@code ProcessOutput} holds the access log (stdout) and the server's
 * own log (stderr: java.util.logging's records through {@code LineWriterHandler}, in place of the console handler, and
 * the launcher's lines), each a {@code LineWriter}, which writes from a thread of its own and drops and counts what a
 * stream nobody reads has no room for, so that no thread of the server waits for its output.
 */
package org.tabserve.launcher.output;
