/**
 * The Open Inference Protocol over gRPC ({@link org.tabserve.web.v2.grpc.V2GrpcService}, on the REST port through
 * gRPC's servlet transport): its messages read into {@code web.v2}'s transport-neutral request and its answers written
 * from {@code web.v2}'s, so that both transports check, answer and refuse alike; the call's bounds (the memory budget,
 * deadlines) and its metrics. The one package, with the wiring, that names gRPC and the generated {@code inference}
 * messages. It stands on {@code web.v2}, {@code http}, rows, serving, the repository and the model.
 *
 * <p>The same protocol over gRPC ({@code V2GrpcService}, served by gRPC's servlet transport), whose requests are
 * checked and answered by {@code web.v2}'s code, so with the REST routes' words (each tensor's typed values become
 * cells straight from protobuf's primitives, {@code V2GrpcTensor}, and the answer is written straight from the
 * predictions, in one write, {@code V2GrpcOneWrite}), and reserve from the same memory budget ({@code V2GrpcBodyFilter}
 * as their bytes arrive, {@code V2GrpcIntake}'s capped marshaller before they are parsed). Around the service, gRPC's
 * own pieces: two interceptors ({@code V2GrpcCaller}: who called, the trace context, the metrics; {@code V2GrpcIntake}:
 * a refused message's answer, the reservation given back) and a stream tracer. A call runs on the container thread
 * that delivered its message, as a REST request does (gRPC's server is given an executor that runs in place, which
 * gRPC serializes per call, so a cancel never runs beside its call's message; its own thread pool cost a hop a call, a
 * third of a single-row call's server CPU). Stands on {@code web.v2}; {@code web.v2} never names it.
 */
package org.tabserve.web.v2.grpc;
