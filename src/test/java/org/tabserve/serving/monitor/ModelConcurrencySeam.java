package org.tabserve.serving.monitor;

/**
 * {@link ModelConcurrency}'s package-private test seam (a model that serves, without loading one), for the tests of
 * the serving packages above this one (explanations count their queue under the model), so that its public face stays
 * what the server needs.
 */
public final class ModelConcurrencySeam {

    private ModelConcurrencySeam() {}

    /** Model {@code name} serves from now on in {@code concurrency}, as {@link TabserveMetrics#modelLoaded} says. */
    public static void loaded(ModelConcurrency concurrency, String name) {
        concurrency.loaded(name);
    }
}
