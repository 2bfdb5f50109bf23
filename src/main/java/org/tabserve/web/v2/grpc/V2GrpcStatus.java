package org.tabserve.web.v2.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.GrpcRefusal;
import org.tabserve.web.http.HttpProblem;

/**
 * The gRPC status for a failure, carrying the same message the REST route's {@code {"error": ...}} would: the
 * failure becomes the problem REST answers with ({@link ErrorRenderer#problemOf}), and its HTTP status a gRPC code
 * (400 INVALID_ARGUMENT, 404 NOT_FOUND, 413 RESOURCE_EXHAUSTED, a 503 to retry shortly (the memory budget's, with
 * {@code Retry-After}) and no model to answer with UNAVAILABLE, any other 503 RESOURCE_EXHAUSTED, a server fault
 * INTERNAL: {@link GrpcRefusal#code}), its description bounded ({@link GrpcRefusal#bounded}).
 */
final class V2GrpcStatus {

    private V2GrpcStatus() {}

    /**
     * @param failure   what the request failed with
     * @param resolving whether it failed while its model was looked up, where a 503 means the model is not there to
     *                  answer (UNAVAILABLE) rather than that the server is full
     * @param rpc       the call, for the log of a server fault
     */
    static Status of(Throwable failure, boolean resolving, String rpc) {
        HttpProblem problem = ErrorRenderer.problemOf(failure, "gRPC " + rpc);
        boolean retry = problem.headers().containsKey("Retry-After");
        // Bounded: a description quoting a huge field would not fit in the answer's headers (GrpcRefusal).
        return code(problem.status(), resolving || retry).withDescription(GrpcRefusal.bounded(problem.detail()));
    }

    /**
     * Answers a unary call with what {@code work} makes, or with the status of what it failed with ({@link #of}).
     *
     * @param resolving whether {@code work} looks up the call's model, as {@link #of} reads it
     */
    static <T> void answer(StreamObserver<T> answer, String rpc, boolean resolving, Supplier<T> work) {
        T reply;
        try {
            reply = work.get();
        } catch (RuntimeException e) {
            answer.onError(of(e, resolving, rpc).asRuntimeException());
            return;
        }
        answer.onNext(reply);
        answer.onCompleted();
    }

    /** @param unavailable whether a 503 means to try again (UNAVAILABLE) rather than that the server lacks room */
    static Status code(int status, boolean unavailable) {
        return Status.fromCodeValue(GrpcRefusal.code(status, unavailable));
    }
}
