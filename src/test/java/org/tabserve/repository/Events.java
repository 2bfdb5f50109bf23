package org.tabserve.repository;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.tabserve.model.Model;

/** A listener that keeps what the repository told it, so tests can check and wait for it. */
final class Events implements RepositoryListener {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, CompletableFuture<Void>> seen = new ConcurrentHashMap<>();

    @Override
    public void loaded(String name, long version, Model model, Duration loadTime) {
        if (loadTime.isNegative()) {
            throw new AssertionError("negative load time " + loadTime);
        }
        add("loaded " + name + " " + version);
    }

    @Override
    public void failed(String name, long version, String reason) {
        add("failed " + name + " " + version);
    }

    @Override
    public void unloaded(String name, long version) {
        add("unloaded " + name + " " + version);
    }

    private void add(String event) {
        events.add(event);
        future(event).complete(null);
    }

    private CompletableFuture<Void> future(String event) {
        return seen.computeIfAbsent(event, e -> new CompletableFuture<>());
    }

    /** Waits for {@code event} (a guard against a hang, not a measure of speed). */
    void await(String event) throws Exception {
        future(event).get(60, TimeUnit.SECONDS);
    }

    List<String> all() {
        return List.copyOf(events);
    }
}
