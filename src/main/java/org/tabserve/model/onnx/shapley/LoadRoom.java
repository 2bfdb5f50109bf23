package org.tabserve.model.onnx.shapley;

import java.time.Duration;
import java.util.Locale;

/**
 * The share of the heap that models' exact explainers may take, to read them while a model loads and to keep them
 * while it serves ({@link ExplainerHeap}): a load takes its estimate here before it reads a single list, keeps what
 * the explainer keeps and gives the rest back, and the model gives that back when it closes. A load that finds no
 * room is refused in words, naming the heap and the settings that help, instead of filling the heap until an
 * {@link OutOfMemoryError} ends the process (the shipped {@code -XX:+ExitOnOutOfMemoryError}). One per process, as
 * the heap is.
 */
public final class LoadRoom {

    /** The share of the maximum heap that explainers take; requests have their own (the serving layer's budget). */
    static final double HEAP_SHARE = 0.2;
    /** How long a load waits for room that another load in progress holds. */
    static final Duration WAIT = Duration.ofSeconds(30);
    /** The setting that builds no exact explainer at all (read by the web app too, for its explanations). */
    public static final String STRUCTURAL = "tabserve.explain-structure";

    private static final LoadRoom HEAP =
            new LoadRoom((long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));

    private final long capacity;
    private long used; // guarded by this

    LoadRoom(long capacity) {
        this.capacity = capacity;
    }

    /** The process's room: {@link #HEAP_SHARE} of the heap this JVM may grow to. */
    public static LoadRoom ofHeap() {
        return HEAP;
    }

    /** Refused: the explainer does not fit; the message says why and what would help. */
    public static final class NoRoom extends Exception {
        NoRoom(String message) {
            super(message);
        }
    }

    /**
     * Takes {@code need.toBuild()} bytes, waiting up to {@link #WAIT} while other loads hold the room.
     *
     * @throws NoRoom when the explainer needs more than the whole room, or the room stayed full
     */
    public Share take(ExplainerHeap need) throws NoRoom {
        long bytes = need.toBuild();
        if (bytes > capacity) {
            throw new NoRoom(need.what() + " need about " + mb(bytes) + " of heap to read for exact explanations, more"
                    + " than the " + mb(capacity) + " this server gives models' explainers (" + share() + " of its"
                    + " heap); " + remedy(bytes));
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (this) {
            while (used + bytes > capacity) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new NoRoom(need.what() + " need about " + mb(bytes) + " of heap to read for exact"
                            + " explanations, and other models' explainers hold " + mb(used) + " of the " + mb(capacity)
                            + " this server gives them (" + share() + " of its heap); " + remedy(bytes + used));
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new NoRoom("the load was interrupted while it waited for heap for its explainer");
                }
            }
            used += bytes;
        }
        return new Share(bytes);
    }

    public synchronized long used() {
        return used;
    }

    long capacity() {
        return capacity;
    }

    private synchronized void give(long bytes) {
        used -= bytes;
        notifyAll();
    }

    /**
     * What helps: a heap whose room holds {@code bytes}, with a tenth more, as the heap the JVM reports (which the room
     * is a share of) is less than {@code -Xmx} by a survivor space under the serial collector; or no exact explainers.
     */
    private static String remedy(long bytes) {
        long heap = (long) Math.ceil(bytes / HEAP_SHARE / 0.9 / (64 << 20)) * 64;
        return "start the server with a larger heap (-Xmx" + heap + "m or more), or with " + STRUCTURAL + "=false"
                + " (TABSERVE_EXPLAIN_STRUCTURE=false) to explain every model by coalitions of rows";
    }

    private static String share() {
        return Math.round(HEAP_SHARE * 100) + " %";
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", (bytes + (1 << 20) - 1) >> 20);
    }

    /** What one explainer holds of the room; given back by {@link #close}. */
    public final class Share implements AutoCloseable {
        private long held; // guarded by LoadRoom.this

        private Share(long held) {
            this.held = held;
        }

        /** Keeps {@code bytes} of what is held (the explainer's structure, once read) and gives the rest back. */
        public void keepOnly(long bytes) {
            long back;
            synchronized (LoadRoom.this) {
                back = Math.max(0, held - bytes);
                held -= back;
            }
            if (back > 0) {
                give(back);
            }
        }

        /** Gives back everything held; safe to call twice. */
        @Override
        public void close() {
            long back;
            synchronized (LoadRoom.this) {
                back = held;
                held = 0;
            }
            if (back > 0) {
                give(back);
            }
        }
    }
}
