/**
 * The Open Inference Protocol (KServe v2) under {@code /v2}: its handlers (one per route of the route table), the
 * infer body's parser, the protocol's response records, including the repository extension, and its part of the
 * OpenAPI document; and the same protocol over gRPC ({@link org.tabserve.web.v2.V2GrpcService}), whose inference
 * and repository requests are checked and answered by the same code as the REST routes'. It depends on {@code http}, {@code openapi}, the repository and the model only.
 */
package org.tabserve.web.v2;
