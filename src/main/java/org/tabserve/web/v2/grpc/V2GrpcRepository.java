package org.tabserve.web.v2.grpc;

import inference.ModelRepositoryParameter;
import inference.RepositoryIndexRequest;
import inference.RepositoryIndexResponse;
import inference.RepositoryModelLoadRequest;
import inference.RepositoryModelLoadResponse;
import inference.RepositoryModelUnloadRequest;
import inference.RepositoryModelUnloadResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import org.tabserve.repository.ModelRepository;
import org.tabserve.serving.access.Caller;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.auth.Access;
import org.tabserve.web.v2.V2Json;
import org.tabserve.web.v2.V2Repository;

/**
 * The repository extension over gRPC (RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload), answered by the
 * same code as REST's {@code /v2/repository/...} routes ({@link V2Repository}) behind the same admin token check
 * ({@link AdminToken}, the token read from the call's {@code authorization} metadata by {@link V2GrpcCaller}), its
 * refusals as gRPC statuses carrying REST's messages. While the admin routes are off, where REST answers 404 (no such
 * route), load and unload answer UNIMPLEMENTED, gRPC's status for a method the server does not serve: NOT_FOUND
 * would say that the model is missing.
 */
final class V2GrpcRepository {

    /** What tabserve's one repository is called: nothing, as the protocol's "all repositories" is. */
    private static final String ONE_REPOSITORY = "";
    /** The one parameter unload takes, which tritonclient always sends: tabserve's models have no dependents. */
    private static final String UNLOAD_DEPENDENTS = "unload_dependents";

    private final ModelRepository repository;
    private final Access access;

    V2GrpcRepository(ModelRepository repository, Access access) {
        this.repository = repository;
        this.access = access;
    }

    /** Every model version with its state and reason, or the ready ones, as {@code POST /v2/repository/index}. */
    void index(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> answer, Caller caller) {
        V2GrpcStatus.answer(answer, "RepositoryIndex", false, () -> {
            checkRepository(request.getRepositoryName());
            RepositoryIndexResponse.Builder index = RepositoryIndexResponse.newBuilder();
            for (V2Json.IndexEntry entry : V2Repository.index(repository, request.getReady(), caller)) {
                index.addModels(RepositoryIndexResponse.ModelIndex.newBuilder()
                        .setName(entry.name())
                        .setVersion(entry.version())
                        .setState(entry.state())
                        .setReason(entry.reason()));
            }
            return index.build();
        });
    }

    /** As {@code POST /v2/repository/models/{name}/load}: answers once the model serves, or fails saying why. */
    void load(RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> answer) {
        if (authorized(answer, "RepositoryModelLoad", request.getModelName())) {
            V2GrpcStatus.answer(answer, "RepositoryModelLoad", false, () -> {
                checkRepository(request.getRepositoryName());
                if (!request.getParametersMap().isEmpty()) {
                    throw HttpProblem.badRequest("parameters: RepositoryModelLoad takes none (tabserve loads the "
                            + "model's files as they are in the model directory), got '"
                            + request.getParametersMap().keySet().iterator().next() + "'");
                }
                V2Repository.load(repository, request.getModelName());
                return RepositoryModelLoadResponse.getDefaultInstance();
            });
        }
    }

    /** As {@code POST /v2/repository/models/{name}/unload}. */
    void unload(RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> answer) {
        if (authorized(answer, "RepositoryModelUnload", request.getModelName())) {
            V2GrpcStatus.answer(answer, "RepositoryModelUnload", false, () -> {
                checkRepository(request.getRepositoryName());
                for (Map.Entry<String, ModelRepositoryParameter> parameter :
                        request.getParametersMap().entrySet()) {
                    if (!parameter.getKey().equals(UNLOAD_DEPENDENTS)) {
                        throw HttpProblem.badRequest("parameters: RepositoryModelUnload takes only " + UNLOAD_DEPENDENTS
                                + " (a model tabserve serves has no dependents), got '" + parameter.getKey() + "'");
                    }
                    ModelRepositoryParameter.ParameterChoiceCase sent =
                            parameter.getValue().getParameterChoiceCase();
                    if (sent != ModelRepositoryParameter.ParameterChoiceCase.BOOL_PARAM) {
                        throw HttpProblem.badRequest("parameters: " + UNLOAD_DEPENDENTS + " must be a bool_param, got "
                                + sent.name().toLowerCase(java.util.Locale.ROOT));
                    }
                }
                V2Repository.unload(repository, request.getModelName());
                return RepositoryModelUnloadResponse.getDefaultInstance();
            });
        }
    }

    /** Checks the caller's admin token as REST's load and unload do; answers the refusal and returns false if refused. */
    private boolean authorized(StreamObserver<?> answer, String rpc, String model) {
        try {
            access.admitRepositoryChange(V2GrpcCaller.current(rpc), model);
            return true;
        } catch (RuntimeException e) {
            HttpProblem refused = ErrorRenderer.problemOf(e, "gRPC " + rpc);
            Status status = refused.status() == 404 ? Status.UNIMPLEMENTED : V2GrpcStatus.code(refused.status(), false);
            answer.onError(status.withDescription(refused.detail()).asRuntimeException());
            return false;
        }
    }

    private static void checkRepository(String name) {
        if (!name.equals(ONE_REPOSITORY)) {
            throw HttpProblem.badRequest("repository_name: tabserve serves one repository, its model directory, which "
                    + "an empty repository_name names; got '" + name + "'");
        }
    }
}
