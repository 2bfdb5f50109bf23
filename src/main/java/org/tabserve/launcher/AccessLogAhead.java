package org.tabserve.launcher;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;

/**
 * The access log, built on a thread of its own while the main thread makes and starts the server: Jetty's
 * {@code CustomRequestLog} compiles its format into a chain of method handles, spinning {@code LambdaForm}s, about
 * 30 ms of the main thread's CPU before the web app (and the model's load) could start (bench/RESULTS.notes.md,
 * "Start to ready, round 3"). A request logged before it is built waits for it; the launcher waits for it before its
 * ready line ({@link #built()}), so that a log that cannot be built fails the start, never a request.
 */
final class AccessLogAhead implements RequestLog {

    private final FutureTask<RequestLog> log;

    private AccessLogAhead(Callable<RequestLog> build) {
        this.log = new FutureTask<>(build);
    }

    /** Starts building the log with {@code build} on a daemon thread (a start that fails exits without it). */
    static AccessLogAhead start(Callable<RequestLog> build) {
        AccessLogAhead ahead = new AccessLogAhead(build);
        Thread thread = new Thread(ahead.log, "tabserve-access-log-ahead");
        thread.setDaemon(true);
        thread.start();
        return ahead;
    }

    @Override
    public void log(Request request, Response response) {
        built().log(request, response);
    }

    /**
     * @return the log, once built (waiting for it, uninterrupted: a request's line is never lost to an interrupt)
     * @throws IllegalStateException naming what stopped it, when it could not be built
     */
    RequestLog built() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return log.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the access log could not be built: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
