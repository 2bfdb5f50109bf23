/**
 * The Open Inference Protocol (KServe v2) under {@code /v2}: its handlers (one per route of the route table), the
 * infer body's parser, the protocol's response records, including the repository extension, and its part of the
 * OpenAPI document; and the transport-neutral request and answer code ({@link org.tabserve.web.v2.V2Request},
 * {@link org.tabserve.web.v2.V2RequestReader}, {@link org.tabserve.web.v2.V2Inference}) with which the gRPC transport
 * ({@code web.v2.grpc}, which stands on this package and which this package never names) checks and answers its
 * requests as the REST routes do. It depends on {@code http}, {@code openapi}, the repository and the model only.
 *
 * <p>The Open Inference Protocol ({@code /v2}, with the repository and statistics extensions): its handlers, infer-body
 * parser, response records and OpenAPI part, and the transport-neutral code both transports check and answer a request
 * with ({@code V2Request}, {@code V2RequestReader}, {@code V2Inference}, {@code V2Extras}; the repository extension's
 * {@code V2Repository}, behind the same {@code AdminToken}; the statistics' {@code V2Statistics}). Names nothing of
 * gRPC.
 */
package org.tabserve.web.v2;
