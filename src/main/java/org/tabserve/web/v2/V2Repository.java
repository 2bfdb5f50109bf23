package org.tabserve.web.v2;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelState;
import org.tabserve.repository.ModelStatus;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;
import org.tabserve.web.http.HttpProblem;

/**
 * The repository extension's work, whichever transport asked for it (REST's {@code /v2/repository/...} routes, gRPC's
 * Repository RPCs): the index of every model version with its state, and loading and unloading a model, each
 * answering and failing alike; the caller checks the admin token first ({@code AdminToken}), as both do.
 */
public final class V2Repository {

    private V2Repository() {}

    /**
     * Every model version the repository knows of that {@code caller} may read, with its state and the reason when it
     * has one; or the ready ones.
     */
    public static List<V2Json.IndexEntry> index(ModelRepository repository, boolean readyOnly, Caller caller) {
        List<V2Json.IndexEntry> entries = new ArrayList<>();
        for (ModelStatus status : repository.index()) {
            if ((!readyOnly || status.state() == ModelState.READY) && caller.may(Scope.READ, status.name())) {
                entries.add(new V2Json.IndexEntry(
                        status.name(),
                        Long.toString(status.version()),
                        status.state().name(),
                        status.reason().orElse("")));
            }
        }
        return entries;
    }

    /**
     * Loads model {@code name} from the model directory (or reloads it if its files changed) and returns once it
     * serves or has failed.
     *
     * @throws HttpProblem 422 when no version of it serves and one failed to load, saying why
     * @throws java.util.concurrent.CompletionException wrapping the repository's failure (no such model in the
     *                                                  directory, a name that cannot be one), which ErrorRenderer
     *                                                  answers as that failure
     */
    public static void load(ModelRepository repository, String name) {
        List<ModelStatus> statuses = repository.load(name).join();
        Optional<ModelStatus> failed = statuses.stream()
                .filter(s -> s.state() == ModelState.UNAVAILABLE)
                .findFirst();
        if (statuses.stream().noneMatch(s -> s.state() == ModelState.READY) && failed.isPresent()) {
            throw HttpProblem.of(
                    422,
                    "Unprocessable content",
                    "model '" + name + "' failed to load: "
                            + failed.get().reason().orElse("unknown reason"));
        }
    }

    /**
     * Unloads every version of model {@code name} and returns once none takes new requests.
     *
     * @throws org.tabserve.repository.RepositoryException when no such model is loaded (a 404 naming those that are)
     */
    public static void unload(ModelRepository repository, String name) {
        repository.unload(name).join();
    }
}
