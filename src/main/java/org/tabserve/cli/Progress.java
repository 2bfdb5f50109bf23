package org.tabserve.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Tells on stderr how far a long pass over a file has come: rows read, bytes of the total, rows per second. Silent
 * for the first second, so short runs print nothing, and then at most once a second.
 */
final class Progress {

    private final PrintStream err;
    private final String what;
    private final long totalBytes;
    private final long start = System.nanoTime();
    private long lastPrint = start;
    private boolean printed;
    private long rows;

    Progress(PrintStream err, String what, long totalBytes) {
        this.err = err;
        this.what = what;
        this.totalBytes = totalBytes;
    }

    /** Counts rows; {@code bytesRead} is how far into the file the reader is. */
    void rows(int more, long bytesRead) {
        rows += more;
        long now = System.nanoTime();
        if (now - lastPrint >= 1_000_000_000L) {
            lastPrint = now;
            printed = true;
            err.println(line(bytesRead, now));
        }
    }

    /** Ends the pass, with a last line when any was printed. */
    void done(long bytesRead) {
        if (printed) {
            err.println(line(bytesRead, System.nanoTime()));
        }
    }

    long rowCount() {
        return rows;
    }

    private String line(long bytesRead, long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        return String.format(
                Locale.ROOT,
                "%s: %,d rows, %,.1f of %,.1f MB (%.0f%%), %,.0f rows/s",
                what,
                rows,
                bytesRead / 1e6,
                totalBytes / 1e6,
                totalBytes == 0 ? 100.0 : 100.0 * bytesRead / totalBytes,
                rows / seconds);
    }
}
