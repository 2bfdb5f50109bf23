package org.tabserve.repository.s3;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A mirror's downloads in flight, at most so many at once, each bounded by its own read ({@link StoreReads}): a
 * refresh hands them over and goes on (a slow object never holds up the listing, the other models or the start), and
 * a later refresh takes up what they came to. One path is downloaded once at a time.
 *
 * @param <T> what a download comes to
 */
final class StoreDownloads<T> implements AutoCloseable {

    private record InFlight<T>(Future<T> future, long grows) {}

    private final ExecutorService pool;
    private final Map<String, InFlight<T>> inFlight = new ConcurrentHashMap<>();

    /** @param threads how many objects download at once */
    StoreDownloads(int threads) {
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "tabserve-store-download-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @return whether {@code path} is being downloaded (or waits for a thread) */
    boolean busy(String path) {
        return inFlight.containsKey(path);
    }

    /** @return whether a download in flight writes under the folder {@code folder} ({@code banknote/3/}) */
    boolean writesIn(String folder) {
        return inFlight.keySet().stream().anyMatch(path -> path.startsWith(folder));
    }

    /** @return the paths in flight */
    Collection<String> paths() {
        return inFlight.keySet();
    }

    /** @return the bytes the downloads in flight will add to the cache, at most */
    long growing() {
        return inFlight.values().stream().mapToLong(InFlight::grows).sum();
    }

    /** Starts downloading {@code path}, which will add at most {@code grows} bytes to the cache. */
    void submit(String path, long grows, Callable<T> download) {
        inFlight.put(path, new InFlight<>(pool.submit(download), grows));
    }

    /**
     * Hands each download that ended to {@code done} (its outcome, or the exception it threw), and forgets it; with
     * {@code waitFor}, first waits for those of its paths in flight to end (each is bounded by its own read).
     */
    void harvest(Collection<String> waitFor, BiConsumer<String, Outcome<T>> done) throws InterruptedException {
        for (String path : waitFor) {
            InFlight<T> one = inFlight.get(path);
            if (one != null) {
                try {
                    one.future().get();
                } catch (ExecutionException e) {
                    // handed over below
                }
            }
        }
        for (Map.Entry<String, InFlight<T>> entry : Map.copyOf(inFlight).entrySet()) {
            Future<T> future = entry.getValue().future();
            if (!future.isDone()) {
                continue;
            }
            inFlight.remove(entry.getKey());
            try {
                done.accept(entry.getKey(), new Outcome<>(future.get(), null));
            } catch (ExecutionException e) {
                done.accept(entry.getKey(), new Outcome<>(null, e.getCause()));
            }
        }
    }

    /** What a download came to: its value, or the exception it threw. */
    record Outcome<T>(T value, Throwable thrown) {}

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
