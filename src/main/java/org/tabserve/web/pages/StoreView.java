package org.tabserve.web.pages;

import org.tabserve.repository.ModelStore;
import org.tabserve.web.http.HealthHandler;

/**
 * The store the models come from ({@code --models s3://...}) as the models page shows it: the same location,
 * reachability and detail as {@code /api/models}' {@code store} block, read from the one place that words it.
 *
 * @param shown        whether the models come from a store at all
 * @param location     where they live ({@code s3://bucket/prefix/})
 * @param reachable    whether its last request was answered
 * @param detail       why it is not reachable, as the index words it; empty when it is
 * @param cachedModels the model files its cache holds
 */
record StoreView(boolean shown, String location, boolean reachable, String detail, int cachedModels) {

    /** No store: the models are a local directory's or the one model's. */
    static final StoreView NONE = new StoreView(false, "", true, "", 0);

    static StoreView of(ModelStore.State state) {
        Object detail = HealthHandler.storeJson(state).get("detail");
        return new StoreView(
                true,
                state.location(),
                state.reachable(),
                detail == null ? "" : detail.toString(),
                state.cachedFiles());
    }
}
