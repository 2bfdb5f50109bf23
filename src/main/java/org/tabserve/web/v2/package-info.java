/**
 * The Open Inference Protocol (KServe v2) under {@code /v2}: its handlers (one per route of the route table), the
 * infer body's parser, the protocol's response records, including the repository extension, and its part of the
 * OpenAPI document. It depends on {@code http}, {@code openapi}, the repository and the model only.
 */
package org.tabserve.web.v2;
