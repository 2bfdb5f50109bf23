package org.tabserve.launcher;

import sun.misc.Signal;

/**
 * Runs a graceful stop (or a drain first: {@link Drain}) on SIGTERM and SIGINT, the one place that uses {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, kept open by JEP 260 until the JDK has a supported replacement, which JDK 17 to 25 lack).
 * <p>
 * Why not a JVM shutdown hook, the supported way to act on those signals: once a signal has started the JVM's
 * shutdown, the process exits 143 (or 130) whatever a hook does, unless the hook halts the JVM itself, and while our
 * hook waited up to 30 s for requests in flight the others run beside it: the JDK's logging hook resets every
 * handler at once, so each warning logged while those requests finish is lost (measured: all of them), and halting
 * cuts short {@link Main}'s hook, which deletes the jars it unpacked. With a signal handler the JVM does not begin to
 * shut down until the server has stopped and {@code main} exits 0.
 * <p>
 * StopSignalsTest raises both signals in its own JVM and fails if an upgrade removes or changes this API.
 */
final class StopSignals {

    /** The signals a process manager or a terminal sends to ask for a stop. */
    static final String[] NAMES = {"TERM", "INT"};

    private StopSignals() {}

    /**
     * Makes each stop signal run {@code stop} with its name ({@code TERM}, {@code INT}), on the JVM's signal thread,
     * in place of the JVM's own shutdown.
     *
     * @param stop returns quickly (start a thread for the work): the JVM handles no other signal meanwhile
     */
    static void onStop(java.util.function.Consumer<String> stop) {
        for (String name : NAMES) {
            Signal.handle(new Signal(name), signal -> stop.accept(signal.getName()));
        }
    }
}
