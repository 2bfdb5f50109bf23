package org.tabserve.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The stop that the first JVM of a start passes on to the second ({@link SecondJvm}): a line on the second's standard
 * input, or that input's end when the first JVM is gone (killed), runs the stop once. A line is all the first JVM can
 * send without knowing which signal it got, and it is not a signal: the second JVM may already have the same SIGTERM
 * itself (systemd signals every process of a service), so the stop it runs does nothing when a stop has begun.
 */
final class FirstJvmStop {

    private FirstJvmStop() {}

    /** Watches {@code input} on a daemon thread of its own; runs {@code stop} at the stop line or the input's end. */
    static Thread watch(InputStream input, Runnable stop) {
        Thread watcher = new Thread(
                () -> {
                    try (BufferedReader lines =
                            new BufferedReader(new InputStreamReader(input, StandardCharsets.US_ASCII))) {
                        for (String line; (line = lines.readLine()) != null; ) {
                            if (line.equals(SecondJvm.STOP_LINE)) {
                                break;
                            }
                        }
                    } catch (IOException e) {
                        // the first JVM is gone as well
                    }
                    stop.run();
                },
                "tabserve-first-jvm-stop");
        watcher.setDaemon(true);
        watcher.start();
        return watcher;
    }
}
