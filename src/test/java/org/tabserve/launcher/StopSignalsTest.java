package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Raises SIGTERM and SIGINT in this JVM: if an upgrade drops {@code sun.misc.Signal} this does not compile or run, and
 * if {@link StopSignals} no longer puts its handler in place of the one before, the stop never runs and the test fails.
 */
class StopSignalsTest {

    @Test
    void eachStopSignalRunsTheStopInsteadOfShuttingTheJvmDown() throws Exception {
        // Read the JVM's handlers by swapping in a Java one, so that they can be put back afterwards. A signal this
        // process was started ignoring (SIGINT, when a non-interactive shell starts it in the background) gets no
        // handler and stays ignored, in tabserve as here: nothing to raise then.
        Map<String, SignalHandler> before = new LinkedHashMap<>();
        for (String name : StopSignals.NAMES) {
            SignalHandler previous = Signal.handle(new Signal(name), signal -> {});
            if (previous != SignalHandler.SIG_IGN) {
                before.put(name, previous);
            }
        }
        assertNotEquals(null, before.get("TERM"), "this JVM ignores SIGTERM, so the test cannot raise it");
        try {
            Semaphore stops = new Semaphore(0);
            java.util.List<String> named = new java.util.concurrent.CopyOnWriteArrayList<>();
            StopSignals.onStop(name -> {
                named.add(name);
                stops.release();
            });
            for (String name : before.keySet()) {
                Signal.raise(new Signal(name));
                assertTrue(stops.tryAcquire(10, TimeUnit.SECONDS), "SIG" + name + " did not run the stop");
                assertEquals(name, named.get(named.size() - 1), "the stop is told which signal came");
            }
        } finally {
            before.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
        }
    }
}
