package org.tabserve.serving;

/**
 * The bounds of explaining answers, which costs a model row per background row per coalition: a share of the CPU
 * ({@code threads} of their own, {@code queue} waiting), so that explanations never starve plain predictions, and the
 * most model rows one request's explanations may evaluate, refused before any work starts. The settings' names live
 * here, beside the refusals that name them.
 *
 * @param threads      threads that compute explanations, at most one request's each
 * @param queue        requests' explanations that may wait for a thread; more get 503 with {@code Retry-After}
 * @param maxModelRows most model rows one request's explanations may evaluate; more is a 413 naming the setting
 */
public record ExplanationLimits(int threads, int queue, long maxModelRows) {

    /** The setting of {@link #threads}. */
    public static final String THREADS = "tabserve.explain-threads";
    /** The setting of {@link #queue}. */
    public static final String QUEUE = "tabserve.explain-queue";
    /** The setting of {@link #maxModelRows}. */
    public static final String MAX_MODEL_ROWS = "tabserve.max-explain-model-rows";
}
