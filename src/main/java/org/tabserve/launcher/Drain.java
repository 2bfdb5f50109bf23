package org.tabserve.launcher;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ObjIntConsumer;
import org.tabserve.launcher.output.ProcessOutput;

/**
 * The stop that loses no request behind a load balancer: on SIGTERM the web app's readiness turns 503 at once (the
 * flag it reads through a context attribute) while the server goes on serving for the drain window, so that
 * Kubernetes' endpoints or a balancer's health checks take it out before it stops listening; then the usual graceful
 * stop. A stop that must not wait (SIGINT, Ctrl-C at a terminal; a second signal during the drain; a window of 0)
 * begins at once, and a signal that comes once the graceful stop has begun ends the process at once, with the status
 * a shell gives a process its signal ended (128 plus the signal's number), cutting the requests still in flight.
 */
final class Drain {

    /** The signal process managers send to stop a service (Kubernetes, Docker, systemd): the one that drains. */
    static final String DRAINING_SIGNAL = "TERM";

    private final Duration window;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch cut = new CountDownLatch(1);
    private final ObjIntConsumer<String> exit;

    /**
     * @param window how long to serve on after SIGTERM, with readiness 503; zero stops at once (a signal once the stop
     *               has begun exits after its line is said, on a stderr that may not take it: {@link ProcessOutput})
     */
    Drain(Duration window) {
        this(window, (line, status) -> {
            ProcessOutput.say(line);
            ProcessOutput.flush();
            System.exit(status);
        });
    }

    /**
     * @param exit says its line and ends the process with a status, for a signal that comes once the graceful stop has
     *             begun
     */
    Drain(Duration window, ObjIntConsumer<String> exit) {
        this.window = window;
        this.exit = exit;
    }

    /** @return the flag the web app's readiness reads: set from the first SIGTERM on */
    AtomicBoolean flag() {
        return draining;
    }

    /**
     * Acts on a stop signal: the first SIGTERM drains, then runs {@code stop}; any other signal, or one during the
     * drain, runs {@code stop} now. {@code stop} runs once, on a thread of its own. A signal once {@code stop} has
     * begun exits now (on a thread of its own), without waiting for the requests in flight.
     *
     * @param signal the signal's name without {@code SIG} ({@code TERM}, {@code INT})
     * @return what was done, as the one line to print; null when the process exits now (the exit says it)
     */
    String onSignal(String signal, Runnable stop) {
        if (signal.equals(DRAINING_SIGNAL) && !window.isZero() && draining.compareAndSet(false, true)) {
            Thread drain = new Thread(
                    () -> {
                        try {
                            cut.await(window.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        stopOnce(stop);
                    },
                    "tabserve-drain");
            drain.start();
            return "SIGTERM: not ready from now on; serving for " + window.toSeconds() + " s more (--drain-seconds),"
                    + " then stopping (a second signal stops now)";
        }
        if (stopping.get()) {
            int status = 128 + (signal.equals(DRAINING_SIGNAL) ? 15 : 2);
            String line = "SIG" + signal + " during the stop: exiting now (status " + status + "), without waiting for"
                    + " the requests in flight";
            new Thread(() -> exit.accept(line, status), "tabserve-exit").start();
            return null;
        }
        cut.countDown();
        stopOnce(stop);
        return "SIG" + signal + ": stopping (a second signal exits at once)";
    }

    /**
     * Acts on a stop passed on by the first JVM of a start ({@link FirstJvmStop}) as on the first SIGTERM, unless a
     * drain or a stop has begun (the same SIGTERM may have reached this JVM itself).
     *
     * @return the line to print, or null when a stop was already under way
     */
    String onPassedOnStop(Runnable stop) {
        if (draining.get() || stopping.get()) {
            return null;
        }
        return onSignal(DRAINING_SIGNAL, stop);
    }

    private void stopOnce(Runnable stop) {
        if (stopping.compareAndSet(false, true)) {
            new Thread(stop, "tabserve-stop").start();
        }
    }
}
