package org.tabserve.web.v2.grpc;

import inference.InferStatistics;
import inference.ModelStatisticsRequest;
import inference.ModelStatisticsResponse;
import inference.StatisticDuration;
import io.grpc.stub.StreamObserver;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.ServedModels;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.auth.Access;
import org.tabserve.web.v2.V2Json;
import org.tabserve.web.v2.V2Statistics;

/**
 * The statistics extension over gRPC (ModelStatistics), answered by the same code as REST's
 * {@code GET /v2/models[/{name}[/versions/{version}]]/stats} ({@link V2Statistics}) in Triton's messages: an empty name
 * asks for every model, as Triton reads it; a name and an optional version as the REST path names them, a model that
 * does not serve refused with REST's words. REST's {@code live} (each input's drift) is tabserve's own and has no field
 * in Triton's message, so it is left out here.
 */
final class V2GrpcStatistics {

    private static final String RPC = "ModelStatistics";

    private final ServedModels served;
    private final Access access;

    V2GrpcStatistics(ServedModels served, Access access) {
        this.served = served;
        this.access = access;
    }

    /** Every ready version's figures that the request names, or the refusal REST would answer with. */
    void answer(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> answer) {
        V2GrpcStatus.answer(answer, RPC, true, () -> {
            if (request.getName().isEmpty() && !request.getVersion().isEmpty()) {
                throw HttpProblem.badRequest("version: a version ('" + request.getVersion() + "') needs the name of "
                        + "its model; an empty name asks for every version of every model");
            }
            Caller caller = access.admit(
                    V2GrpcCaller.current(RPC), Scope.METRICS, request.getName().isEmpty() ? null : request.getName());
            ModelStatisticsResponse.Builder response = ModelStatisticsResponse.newBuilder();
            try (ResolvedModel model = ResolvedModel.of(served, request.getName(), request.getVersion(), null)) {
                model.caller(caller);
                for (V2Json.ModelStat stat : V2Statistics.of(model, served.repository(), served.monitors(), false)) {
                    response.addModelStats(message(stat));
                }
            }
            return response.build();
        });
    }

    /**
     * One version's figures in Triton's message: its {@code batch_stats} empty as REST's, and the phases tabserve does
     * not time apart ({@code queue}, {@code compute_*}) unset, as REST leaves them out.
     */
    private static inference.ModelStatistics message(V2Json.ModelStat stat) {
        return inference.ModelStatistics.newBuilder()
                .setName(stat.name())
                .setVersion(stat.version())
                .setLastInference(stat.lastInference())
                .setInferenceCount(stat.inferenceCount())
                .setExecutionCount(stat.executionCount())
                .setInferenceStats(InferStatistics.newBuilder()
                        .setSuccess(duration(stat.inferenceStats().success()))
                        .setFail(duration(stat.inferenceStats().fail())))
                .build();
    }

    private static StatisticDuration duration(V2Json.DurationStat duration) {
        return StatisticDuration.newBuilder()
                .setCount(duration.count())
                .setNs(duration.ns())
                .build();
    }
}
