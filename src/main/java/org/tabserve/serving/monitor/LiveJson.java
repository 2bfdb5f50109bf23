package org.tabserve.serving.monitor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tabserve.model.live.LiveCounts;
import org.tabserve.model.live.LiveKind;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.model.live.Psi;

/**
 * One input's live figures as {@code GET /api/model} (each feature's {@code "live"} key) and the v2 statistics give
 * them, so that the answer's shape is written in one place: how it is compared, how many values it needs for a score,
 * and for the last hour and since start its counts, rates and drift score.
 */
public final class LiveJson {

    private LiveJson() {}

    /** @return the feature's {@code "live"} object */
    public static Map<String, Object> of(LiveProfile.LiveFeature feature) {
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("compared_on", feature.kind().name().toLowerCase(Locale.ROOT));
        if (feature.kind() != LiveKind.NONE) {
            live.put("bins", feature.bins());
            live.put("training", feature.training());
            live.put("values_needed", feature.needed()); // before a window's values get a drift score
        }
        live.put("recent", window(feature, feature.recent(), LiveCounts.WINDOW_SECONDS));
        live.put("since_start", window(feature, feature.sinceStart(), null));
        return live;
    }

    private static Map<String, Object> window(
            LiveProfile.LiveFeature feature, LiveProfile.Window window, Integer seconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window_seconds", seconds);
        out.put("values", window.values());
        out.put("missing", window.missing());
        out.put("missing_rate", window.rate(window.missing()));
        if (feature.kind() == LiveKind.HISTOGRAM) {
            out.put("out_of_range", window.outOfRange());
            out.put("out_of_range_rate", window.rate(window.outOfRange()));
        }
        if (feature.kind() == LiveKind.CATEGORIES) {
            out.put("unknown_categories", window.unknown());
            out.put("unknown_category_rate", window.rate(window.unknown()));
        }
        if (feature.kind() != LiveKind.NONE) {
            out.put("counts", window.counts());
            out.put("psi", Double.isNaN(window.psi()) ? null : window.psi());
        }
        out.put("drift", feature.kind() == LiveKind.NONE ? "no training profile" : Psi.reading(window.psi()));
        return out;
    }
}
