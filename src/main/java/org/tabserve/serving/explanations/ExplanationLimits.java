package org.tabserve.serving.explanations;

/**
 * The bounds of explaining answers, which costs a model row per background row per coalition: a share of the CPU
 * ({@code threads} of their own, {@code queue} waiting), so that explanations never starve plain predictions, and the
 * most model rows one request's explanations may evaluate, refused before any work starts. The settings' names live
 * here, beside the refusals that name them.
 *
 * @param threads      threads that compute explanations, at most one request's each
 * @param queue        requests' explanations that may wait for a thread; more get 503 with {@code Retry-After}
 * @param maxModelRows most model rows one request's explanations may evaluate; more is a 413 naming the setting
 * @param structural   whether a model whose structure allows it (a tree ensemble, a linear model) is explained
 *                     exactly from its trees or weights, in its margin where a link follows ({@code true}, the
 *                     default), or every model by coalitions of rows, in its probability or value
 */
public record ExplanationLimits(int threads, int queue, long maxModelRows, boolean structural) {

    /** Limits with {@link #structural} explanations on. */
    public ExplanationLimits(int threads, int queue, long maxModelRows) {
        this(threads, queue, maxModelRows, true);
    }

    /** The setting of {@link #threads}. */
    public static final String THREADS = "tabserve.explain-threads";
    /** The setting of {@link #queue}. */
    public static final String QUEUE = "tabserve.explain-queue";
    /** The setting of {@link #maxModelRows}. */
    public static final String MAX_MODEL_ROWS = "tabserve.max-explain-model-rows";
    /** The setting of {@link #structural}. */
    public static final String STRUCTURAL = "tabserve.explain-structure";
}
