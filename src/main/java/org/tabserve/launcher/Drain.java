package org.tabserve.launcher;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stop that loses no request behind a load balancer: on SIGTERM the web app's readiness turns 503 at once (the
 * flag it reads through a context attribute) while the server goes on serving for the drain window, so that
 * Kubernetes' endpoints or a balancer's health checks take it out before it stops listening; then the usual graceful
 * stop. A stop that must not wait (SIGINT, Ctrl-C at a terminal; a second signal during the drain; a window of 0)
 * begins at once.
 */
final class Drain {

    /** The signal process managers send to stop a service (Kubernetes, Docker, systemd): the one that drains. */
    static final String DRAINING_SIGNAL = "TERM";

    private final Duration window;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch cut = new CountDownLatch(1);

    /** @param window how long to serve on after SIGTERM, with readiness 503; zero stops at once */
    Drain(Duration window) {
        this.window = window;
    }

    /** @return the flag the web app's readiness reads: set from the first SIGTERM on */
    AtomicBoolean flag() {
        return draining;
    }

    /**
     * Acts on a stop signal: the first SIGTERM drains, then runs {@code stop}; any other signal, or one during the
     * drain, runs {@code stop} now. {@code stop} runs once, on a thread of its own.
     *
     * @param signal the signal's name without {@code SIG} ({@code TERM}, {@code INT})
     * @return what was done, as the one line to print
     */
    String onSignal(String signal, Runnable stop) {
        if (signal.equals(DRAINING_SIGNAL) && !window.isZero() && draining.compareAndSet(false, true)) {
            Thread drain = new Thread(() -> {
                try {
                    cut.await(window.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stopOnce(stop);
            }, "tabserve-drain");
            drain.start();
            return "SIGTERM: not ready from now on; serving for " + window.toSeconds() + " s more (--drain-seconds),"
                    + " then stopping (a second signal stops now)";
        }
        cut.countDown();
        stopOnce(stop);
        return "SIG" + signal + ": stopping";
    }

    private void stopOnce(Runnable stop) {
        if (stopping.compareAndSet(false, true)) {
            new Thread(stop, "tabserve-stop").start();
        }
    }
}
