/**
 * What every serving job shares: the one exception serving refuses with
 * ({@link org.tabserve.serving.limits.ServingException}) and the memory budget requests share
 * ({@link org.tabserve.serving.limits.MemoryBudget}); it stands on the rows' field problems alone.
 */
package org.tabserve.serving.limits;
