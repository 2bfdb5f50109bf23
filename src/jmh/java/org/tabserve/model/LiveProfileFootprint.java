package org.tabserve.model;

import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.live.LiveCounts;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * How much heap one model version's {@link LiveProfile} holds (issue 24: bounded memory per model, fixed bins),
 * measured rather than only counted: the heap in use after a full collection, before and after making 1,000 profiles
 * of a model, divided by 1,000, beside the counters the code keeps (a {@code long} per bin or category, plus the
 * out-of-range, unknown and missing ones, since start and in each of the window's buckets). For the bundled bank-note
 * model and the carded penguin species pipeline. Run with a serial collector, so that "in use" is exact:
 * {@code java -XX:+UseSerialGC -Xss8m -cp ... org.tabserve.model.LiveProfileFootprint} (docs/operations.md gives the
 * whole command).
 */
public final class LiveProfileFootprint {

    private static final int PROFILES = 1_000;

    private LiveProfileFootprint() {}

    public static void main(String[] args) throws Exception {
        measure("banknote", Path.of("model.onnx"));
        measure("species", BenchFixtures.carded("species"));
    }

    private static void measure(String name, Path file) throws Exception {
        try (Model model = OnnxModelLoader.load(file)) {
            LiveProfile first = new LiveProfile(model.signature(), model.card());
            long counters = 0;
            int bins = 0;
            for (LiveProfile.LiveFeature feature : first.snapshot()) {
                counters += switch (feature.kind()) {
                    case HISTOGRAM -> feature.bins().size() + 3;
                    case CATEGORIES -> feature.bins().size() + 2;
                    case NONE -> 2;
                };
                bins += feature.bins().size();
            }
            long counterBytes = 8 * (counters + LiveCounts.BUCKETS * (counters + 1));
            List<LiveProfile> kept = new ArrayList<>(PROFILES);
            long before = usedAfterCollection();
            for (int i = 0; i < PROFILES; i++) {
                kept.add(new LiveProfile(model.signature(), model.card()));
            }
            long after = usedAfterCollection();
            Reference.reachabilityFence(kept);
            System.out.printf(
                    "%s: %d inputs, %d bins and categories, %d counters; the counters' arrays %,d bytes;"
                            + " measured %,d bytes per profile%n",
                    name, first.snapshot().size(), bins, counters, counterBytes, (after - before) / PROFILES);
        }
    }

    private static long usedAfterCollection() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
