/**
 * What every serving job shares: the one exception serving refuses with
 * ({@link org.tabserve.serving.budget.ServingException}) and the memory budget requests share
 * ({@link org.tabserve.serving.budget.MemoryBudget}); it stands on the rows' field problems alone.
 *
 * <p>What every job shares: one exception, {@code ServingException} (bad {@code explain}, a {@code coverage} the card
 * cannot answer, no such version, too large, busy, no model, no room, a refused rollout, client gone), which
 * {@code HttpProblem.of} turns into HTTP and the gRPC status mapping into a status; the {@code MemoryBudget} requests
 * share.
 */
package org.tabserve.serving.budget;
