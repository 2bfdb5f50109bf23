package org.tabserve.serving.explanations;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.explain.Explainer;
import org.tabserve.repository.VersionKey;

/**
 * One {@link Explainer} per served model version, kept between requests, so that the background sample's answers
 * (100 model rows, the empty coalition's) are computed once per version rather than once per request; a version's
 * explainer goes when the version is unloaded or reloaded ({@link #forget}), and at most {@link #MAX_VERSIONS} are
 * kept, the least recently used going first.
 *
 * <p>Thread-safe: lookups take this object's lock, which building an explainer holds only briefly (it answers no
 * rows: the background's answers are computed on the explainer's first row, under its own lock).
 */
final class ModelExplainers {

    /**
     * The most versions whose explainers are kept: each holds its background's cells (the card's 100 rows, which the
     * model holds as well) and their answers (100 &times; classes doubles), a few hundred KB at most.
     */
    static final int MAX_VERSIONS = 64;

    /** The model an explainer was built for, so that a version reloaded under the same number gets a new one. */
    private record Kept(Model model, Explainer explainer) {}

    private final boolean structural;
    private final Map<VersionKey, Kept> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<VersionKey, Kept> eldest) {
            return size() > MAX_VERSIONS;
        }
    };

    /** @param structural whether the explainers use a model's own structure where it has one */
    ModelExplainers(boolean structural) {
        this.structural = structural;
    }

    /**
     * The explainer of version {@code version} of model {@code name}, which the caller holds a lease on: the one kept
     * for that very model, or a new one, kept from now on.
     */
    synchronized Explainer of(String name, long version, Model model) {
        VersionKey key = new VersionKey(name, version);
        Kept found = kept.get(key);
        if (found == null || found.model() != model) {
            found = new Kept(model, new Explainer(model, model.card().background(), structural));
            kept.put(key, found);
        }
        return found.explainer();
    }

    /** Drops the explainer of a version that was unloaded or reloaded. */
    synchronized void forget(String name, long version) {
        kept.remove(new VersionKey(name, version));
    }

    /** @return how many versions' explainers are kept */
    synchronized int size() {
        return kept.size();
    }
}
