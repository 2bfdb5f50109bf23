/**
 * The Open Inference Protocol (KServe v2) under {@code /v2}: its handlers (one per route of the route table), the
 * infer body's parser and the protocol's response records, including the repository extension. It depends on
 * {@code http}, the repository and the model only.
 */
package org.tabserve.web.v2;
