package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.repository.VersionKey;

/**
 * Each input's live and training histograms as series in {@code /metrics}, on the bins its drift is scored on (the
 * card's histogram bins for a number, the categories it knows for text): the values that fell in each bin since the
 * version was loaded, a counter that adds up across replicas, beside the share of the card's training values in that
 * bin. One series a bin per input per model version, bounded by the card (an unknown category is counted elsewhere,
 * never named), read from the live profiles at each scrape, so that an unloaded version's go with its profile.
 */
final class DriftBins {

    private static final String[] LABELS = {"model", "version", "feature", "bin"};

    private DriftBins() {}

    /** @param each hands every live input of every profiled version to its argument, as each scrape reads them */
    static void register(PrometheusRegistry registry, Consumer<BiConsumer<VersionKey, LiveProfile.LiveFeature>> each) {
        CounterWithCallback.builder()
                .name("tabserve_feature_bin_values")
                .help("Values of each input that fell in each bin of the card's histogram (a number's) or each category"
                        + " the card knows (a text's), since the model version was loaded, by model, version, feature"
                        + " and bin")
                .labelNames(LABELS)
                .callback(callback -> each.accept((key, feature) -> {
                    List<Long> counts = feature.sinceStart().counts();
                    for (int b = 0; b < counts.size(); b++) {
                        callback.call(counts.get(b), labels(key, feature, b));
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tabserve_feature_bin_training_share")
                .help("Share of the card's training values of each input in each bin (or category), the reference"
                        + " the live bins' values are scored against, by model, version, feature and bin")
                .labelNames(LABELS)
                .callback(callback -> each.accept((key, feature) -> {
                    List<Double> training = feature.training();
                    double total =
                            training.stream().mapToDouble(Double::doubleValue).sum();
                    for (int b = 0; total > 0 && b < training.size(); b++) {
                        callback.call(training.get(b) / total, labels(key, feature, b));
                    }
                }))
                .register(registry);
    }

    private static String[] labels(VersionKey key, LiveProfile.LiveFeature feature, int bin) {
        return new String[] {
            key.name(),
            Long.toString(key.version()),
            feature.name(),
            feature.bins().get(bin)
        };
    }
}
