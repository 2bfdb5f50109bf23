package org.tabserve.serving.budget;

/**
 * {@link MemoryBudget}'s package-private test seams (a budget of a given size, what it has handed out), for the tests
 * of the serving packages above this one (a rollout's comparisons reserve from the budget), so that the budget's
 * public face stays what the server needs.
 */
public final class MemoryBudgetSeam {

    private MemoryBudgetSeam() {}

    /** @return a budget of {@code capacity} bytes */
    public static MemoryBudget of(long capacity) {
        return new MemoryBudget(capacity);
    }

    /** @return the bytes {@code budget} has handed out and not had back */
    public static long used(MemoryBudget budget) {
        return budget.used();
    }
}
