/**
 * What every serving job shares: the one exception serving refuses with
 * ({@link org.tabserve.serving.limits.ServingException}), the memory budget requests share
 * ({@link org.tabserve.serving.limits.MemoryBudget}) and how a waiting request notices that its client has gone
 * ({@link org.tabserve.serving.limits.ClientWatch}); it stands on the rows' field problems alone.
 */
package org.tabserve.serving.limits;
