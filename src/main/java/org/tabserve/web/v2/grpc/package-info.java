/**
 * The Open Inference Protocol over gRPC ({@link org.tabserve.web.v2.grpc.V2GrpcService}, on the REST port through
 * gRPC's servlet transport): its messages read into {@code web.v2}'s transport-neutral request and its answers written
 * from {@code web.v2}'s, so that both transports check, answer and refuse alike; the call's bounds (the memory budget,
 * deadlines) and its metrics. The one package, with the wiring, that names gRPC and the generated {@code inference}
 * messages. It stands on {@code web.v2}, {@code http}, rows, serving, the repository and the model.
 */
package org.tabserve.web.v2.grpc;
