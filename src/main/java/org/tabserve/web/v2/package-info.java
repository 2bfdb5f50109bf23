/**
 * The Open Inference Protocol (KServe v2) under {@code /v2}: its handlers (one per route of the route table), the
 * infer body's parser, the protocol's response records, including the repository extension, and its part of the
 * OpenAPI document; and the transport-neutral request and answer code ({@link org.tabserve.web.v2.V2Request},
 * {@link org.tabserve.web.v2.V2RequestReader}, {@link org.tabserve.web.v2.V2Inference}) with which the gRPC transport
 * ({@code web.v2.grpc}, which stands on this package and which this package never names) checks and answers its
 * requests as the REST routes do. It depends on {@code http}, {@code openapi}, the repository and the model only.
 */
package org.tabserve.web.v2;
