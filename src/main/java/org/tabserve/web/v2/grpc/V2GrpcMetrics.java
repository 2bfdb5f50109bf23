package org.tabserve.web.v2.grpc;

import inference.ModelInferRequest;
import inference.ModelMetadataRequest;
import inference.ModelReadyRequest;
import inference.ModelStatisticsRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.tabserve.repository.ModelRepository;
import org.tabserve.serving.monitor.TabserveMetrics;

/**
 * Counts and times each gRPC call in the request metrics, as the metrics filter does each HTTP request (which sees a
 * gRPC call only until gRPC's servlet goes asynchronous): when the call ends, under protocol {@code grpc}, its
 * method's path as the route, its status code's name as the status, and the model it named when that model serves
 * (the default model's for an empty name), so that a label never holds a name a client made up. It sees each call
 * first, before the message is parsed ({@link V2GrpcIntake}), so that a call refused there is counted too; the intake
 * tells it the model the parsed request names ({@link #noteRequest}).
 */
final class V2GrpcMetrics implements ServerInterceptor {

    /** Where the call's intake leaves the model its request names, once parsed. */
    private static final Context.Key<AtomicReference<String>> NAMED = Context.key("tabserve.grpc.model-named");

    private final TabserveMetrics metrics;
    private final ModelRepository repository;

    V2GrpcMetrics(TabserveMetrics metrics, ModelRepository repository) {
        this.metrics = metrics;
        this.repository = repository;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        AtomicBoolean counted = new AtomicBoolean();
        AtomicReference<String> named = new AtomicReference<>(); // the model the request names, once it arrives
        ServerCall<Q, A> measured = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                // Counted first, so that a client reading the metrics after its answer finds its call there.
                count(counted, named.get(), method, status.getCode(), started);
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener =
                Contexts.interceptCall(Context.current().withValue(NAMED, named), measured, headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    // The client went away (or its deadline passed) before the answer was sent.
                    count(counted, named.get(), method, Status.Code.CANCELLED, started);
                }
            }
        };
    }

    private void count(AtomicBoolean counted, String named, String method, Status.Code code, long started) {
        if (counted.compareAndSet(false, true)) {
            metrics.grpcCall(servedModel(named), method, code.name(), (System.nanoTime() - started) / 1e9);
        }
    }

    /** The model a call named, when it serves (an empty name: the default model); else empty. */
    private String servedModel(String named) {
        if (named == null) {
            return "";
        }
        String name = named.isEmpty() ? repository.defaultModel().orElse("") : named;
        return !name.isEmpty() && !repository.readyVersions(name).isEmpty() ? name : "";
    }

    /** Notes the model the call's parsed request names, for its count; called in the call's context. */
    static void noteRequest(Object message) {
        AtomicReference<String> named = NAMED.get();
        if (named != null) {
            named.set(modelNamed(message));
        }
    }

    /** The model a request message names, for the calls that use one; null for the others (and every model's). */
    static String modelNamed(Object message) {
        if (message instanceof ModelInferRequest infer) {
            return infer.getModelName();
        }
        if (message instanceof ModelMetadataRequest metadata) {
            return metadata.getName();
        }
        if (message instanceof ModelReadyRequest ready) {
            return ready.getName();
        }
        if (message instanceof ModelStatisticsRequest statistics) {
            // An empty name asks for every model's statistics, not the default model's: no one model to label.
            return statistics.getName().isEmpty() ? null : statistics.getName();
        }
        return null;
    }
}
