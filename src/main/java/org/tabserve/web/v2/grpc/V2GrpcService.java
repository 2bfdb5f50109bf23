package org.tabserve.web.v2.grpc;

import inference.GRPCInferenceServiceGrpc;
import inference.InferParameter;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataRequest;
import inference.ModelMetadataResponse;
import inference.ModelReadyRequest;
import inference.ModelReadyResponse;
import inference.ModelStatisticsRequest;
import inference.ModelStatisticsResponse;
import inference.RepositoryIndexRequest;
import inference.RepositoryIndexResponse;
import inference.RepositoryModelLoadRequest;
import inference.RepositoryModelLoadResponse;
import inference.RepositoryModelUnloadRequest;
import inference.RepositoryModelUnloadResponse;
import inference.ServerLiveRequest;
import inference.ServerLiveResponse;
import inference.ServerMetadataRequest;
import inference.ServerMetadataResponse;
import inference.ServerReadyRequest;
import inference.ServerReadyResponse;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.Scoring;
import org.tabserve.serving.ServedModels;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.explanations.RowExplanations;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.trace.RequestSpan;
import org.tabserve.web.http.auth.Access;
import org.tabserve.web.v2.V2Handler;
import org.tabserve.web.v2.V2Inference;

/**
 * The Open Inference Protocol over gRPC ({@code inference.GRPCInferenceService}'s core RPCs and the statistics and
 * repository extensions'), served beside the REST routes on the same port through gRPC's servlet transport: each RPC
 * resolves the model it names as the REST routes do (an empty name is the default model; for ModelStatistics, every
 * model), ModelInfer goes through the same checks and answers as {@code POST /v2/models/{name}/infer}
 * ({@link V2Inference}), ModelStatistics through REST's {@code /stats} ({@link V2GrpcStatistics}) and the repository
 * RPCs through REST's ({@link V2GrpcRepository}), their refusals as gRPC statuses with REST's messages. Every call is
 * counted in the request metrics ({@link V2GrpcCaller}), and every call's message is parsed under the memory budget
 * REST requests share ({@link V2GrpcIntake}); ModelInfer's explanations run on the threads and under the bounds REST's share ({@link RowExplanations}).
 */
public final class V2GrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    /** The servlet path the service's calls arrive on: {@code /inference.GRPCInferenceService/<RPC>}. */
    public static final String PATH = "/" + GRPCInferenceServiceGrpc.SERVICE_NAME;

    private final ServedModels served;
    private final V2Inference inference;
    private final MemoryBudget budget;
    private final String serverVersion;
    private final V2GrpcRepository repository;
    private final V2GrpcStatistics statistics;
    private final TabserveMetrics metrics;
    private final Scoring scoring;
    private final Access access;

    /**
     * @param served        the models the app serves
     * @param maxBatchRows  the most rows one request may hold
     * @param budget        the memory budget requests share, which every call's message reserves from
     * @param serverVersion tabserve's version, for ServerMetadata
     * @param access        who may make each call, as REST's routes are asked
     * @param metrics       where each call is counted
     * @param scoring       the one scoring entry REST's infer route uses too
     */
    public V2GrpcService(
            ServedModels served,
            int maxBatchRows,
            MemoryBudget budget,
            String serverVersion,
            Access access,
            TabserveMetrics metrics,
            Scoring scoring) {
        this.scoring = scoring;
        this.access = access;
        this.served = served;
        this.inference = new V2Inference(maxBatchRows);
        this.budget = budget;
        this.serverVersion = serverVersion;
        this.repository = new V2GrpcRepository(served.repository(), access);
        this.statistics = new V2GrpcStatistics(served, access);
        this.metrics = metrics;
    }

    /**
     * The service as the servlet is to serve it: its calls counted in the metrics and their caller made known to them
     * ({@link V2GrpcCaller}), and each message taken in under the memory budget by a capped marshaller
     * ({@link V2GrpcIntake}), where {@link #bindService()}'s (generated) would parse it unbounded.
     */
    public ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(
                V2GrpcIntake.of(bindService()), new V2GrpcCaller(metrics, served.repository()));
    }

    /**
     * What opens each call's reservation as its stream begins, for the server that serves {@link #definition()}: there
     * a compressed message is metered as it is inflated, before any RPC sees it ({@link V2GrpcIntake}).
     */
    public ServerStreamTracer.Factory reservations() {
        return V2GrpcIntake.reservations(budget);
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> answer) {
        reply(answer, ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> answer) {
        reply(
                answer,
                ServerReadyResponse.newBuilder()
                        .setReady(served.readiness().ready())
                        .build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> answer) {
        if (admitted(answer, "ServerMetadata", Scope.READ, null) == null) {
            return;
        }
        reply(
                answer,
                ServerMetadataResponse.newBuilder()
                        .setName("tabserve")
                        .setVersion(serverVersion)
                        .addAllExtensions(V2Handler.EXTENSIONS)
                        .build());
    }

    /** Ready or not for a model that is served; NOT_FOUND for one that is not, as REST's 404. */
    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> answer) {
        if (admitted(answer, "ModelReady", Scope.READ, request.getName()) == null) {
            return;
        }
        try (ResolvedModel model = ResolvedModel.of(served, request.getName(), request.getVersion(), null)) {
            boolean ready = true;
            try {
                model.model();
            } catch (RuntimeException e) {
                io.grpc.Status status = V2GrpcStatus.of(e, true, "ModelReady");
                if (status.getCode() != io.grpc.Status.Code.UNAVAILABLE) {
                    answer.onError(status.asRuntimeException());
                    return;
                }
                ready = false;
            }
            reply(answer, ModelReadyResponse.newBuilder().setReady(ready).build());
        } catch (RuntimeException e) {
            answer.onError(V2GrpcStatus.of(e, true, "ModelReady").asRuntimeException());
        }
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> answer) {
        call(
                answer,
                "ModelMetadata",
                request.getName(),
                request.getVersion(),
                model -> V2GrpcMessages.metadata(V2Handler.metadata(
                        model.name(), served.repository().readyVersions(model.name()), model.model())),
                Scope.READ);
    }

    /**
     * As REST's infer, explanations included ({@code explain} as a bool parameter), under the call's reservation; an
     * explanation stops when the call is cancelled or its deadline passes (gRPC cancels the call's context for both).
     */
    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> answer) {
        io.grpc.Context context = io.grpc.Context.current();
        InferParameter explain = request.getParametersOrDefault(ExplainField.NAME, null);
        boolean explaining = explain != null
                && explain.getParameterChoiceCase() == InferParameter.ParameterChoiceCase.BOOL_PARAM
                && explain.getBoolParam();
        Scope[] scopes = explaining ? new Scope[] {Scope.PREDICT, Scope.EXPLAIN} : new Scope[] {Scope.PREDICT};
        call(
                answer,
                "ModelInfer",
                request.getModelName(),
                request.getModelVersion(),
                model -> V2GrpcMessages.response(V2Inference.run(
                        scoring,
                        model,
                        inference.reader(model.model()).read(V2GrpcMessages.request(request)),
                        context::isCancelled)),
                scopes);
    }

    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> answer) {
        statistics.answer(request, answer);
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> answer) {
        Caller caller = admitted(answer, "RepositoryIndex", Scope.READ, null);
        if (caller != null) {
            repository.index(request, answer, caller); // the models it may read
        }
    }

    @Override
    public void repositoryModelLoad(
            RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> answer) {
        repository.load(request, answer);
    }

    @Override
    public void repositoryModelUnload(
            RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> answer) {
        repository.unload(request, answer);
    }

    /**
     * Resolves the model a call names (failing UNAVAILABLE when it is not there to answer), answers with what
     * {@code work} makes of it (a failure there counts as a failed request in the model's statistics), and gives the
     * model back. The caller must have each of {@code scopes}, all asked before the model is looked up (issue 76: an
     * explanation asked of a model not served was NOT_FOUND for a caller who may not explain, PERMISSION_DENIED for
     * one served, telling which models exist).
     */
    private <T> void call(
            StreamObserver<T> answer,
            String rpc,
            String name,
            String version,
            Function<ResolvedModel, T> work,
            Scope... scopes) {
        T reply;
        RequestSpan span = served.tracing()
                .request(GRPCInferenceServiceGrpc.SERVICE_NAME + "/" + rpc, true, V2GrpcCaller::metadata);
        if (span.traceId() != null) { // an unsampled span records nothing: its attributes are not set
            span.attribute("rpc.system", "grpc")
                    .attribute("rpc.service", GRPCInferenceServiceGrpc.SERVICE_NAME)
                    .attribute("rpc.method", rpc);
        }
        V2GrpcCaller.answerTraceparent(span.traceparent());
        try (ResolvedModel model = ResolvedModel.of(served, name, version, "grpc " + rpc, V2GrpcCaller.requestId())) {
            model.trace(span);
            V2GrpcCaller.answerRequestId(model.requestId()); // as REST's X-Request-Id, on a refusal too
            try {
                model.caller(access.admit(V2GrpcCaller.current(rpc), scopes[0], modelName(name)));
                for (int i = 1; i < scopes.length; i++) {
                    model.caller().require(scopes[i], modelName(name));
                }
            } catch (RuntimeException e) {
                answer.onError(refused(span, e, false, rpc).asRuntimeException());
                return;
            }
            try {
                model.model(); // leased here: a model not there to answer is UNAVAILABLE, not a full server
            } catch (RuntimeException e) {
                answer.onError(refused(span, e, true, rpc).asRuntimeException());
                return;
            }
            try {
                reply = work.apply(model);
            } catch (RuntimeException | OutOfMemoryError e) {
                if (!ServingException.isClientGone(e)) {
                    model.failed(); // counted in its version's statistics as a failed request, as REST's route does
                }
                throw e;
            }
        } catch (RuntimeException e) {
            answer.onError(refused(span, e, false, rpc).asRuntimeException());
            return;
        } catch (OutOfMemoryError e) {
            span.refused(io.grpc.Status.Code.INTERNAL.value(), "Internal server error");
            span.end();
            answer.onError(io.grpc.Status.INTERNAL
                    .withDescription("the server ran out of memory while answering; try again later")
                    .asRuntimeException());
            return;
        }
        span.attribute(GRPC_STATUS, 0);
        span.end();
        reply(answer, reply);
    }

    /**
     * The one check of a call that is not {@link #call}'s: answers the refusal (UNAUTHENTICATED, PERMISSION_DENIED)
     * and returns null when the caller may not use {@code scope} on the model it names (empty: the default model;
     * null: a call about no one model).
     *
     * @return the caller, when it may
     */
    private Caller admitted(StreamObserver<?> answer, String rpc, Scope scope, String name) {
        try {
            return access.admit(V2GrpcCaller.current(rpc), scope, name == null ? null : modelName(name));
        } catch (RuntimeException e) {
            answer.onError(V2GrpcStatus.of(e, false, rpc).asRuntimeException());
            return null;
        }
    }

    /** The model a call names, as its scope is checked on: an empty name is the default model's. */
    private String modelName(String name) {
        return name.isEmpty() ? served.repository().defaultModel().orElse(null) : name;
    }

    /** The span attribute of a call's gRPC status code (OpenTelemetry's RPC conventions). */
    private static final String GRPC_STATUS = "rpc.grpc.status_code";

    /** Ends a call's span with its refusal's code and title (never its detail), and gives the status to answer. */
    private static io.grpc.Status refused(RequestSpan span, RuntimeException e, boolean resolving, String rpc) {
        io.grpc.Status status = V2GrpcStatus.of(e, resolving, rpc);
        span.attribute(GRPC_STATUS, status.getCode().value());
        span.refused(
                status.getCode().value(),
                org.tabserve.web.http.ErrorRenderer.problemOf(e, "gRPC " + rpc).title());
        span.end();
        return status;
    }

    private static <T> void reply(StreamObserver<T> answer, T reply) {
        answer.onNext(reply);
        answer.onCompleted();
    }
}
