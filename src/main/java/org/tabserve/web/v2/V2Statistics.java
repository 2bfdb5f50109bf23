package org.tabserve.web.v2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelState;
import org.tabserve.repository.ModelStatus;
import org.tabserve.serving.ModelRoute;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.monitor.LiveJson;
import org.tabserve.serving.monitor.ModelStatistics;
import org.tabserve.serving.monitor.Monitors;

/**
 * The statistics extension's work, whichever transport asked for it (REST's {@code /v2/models[/{name}]/stats}, gRPC's
 * ModelStatistics): which ready versions the request names and each one's figures, so that both answer the same
 * versions with the same counts and fail alike for a model that does not serve.
 */
public final class V2Statistics {

    private V2Statistics() {}

    /**
     * The figures of every ready version of every model (a request that names none), of the model named, or of the
     * version named, in the repository's order, as one list: for gRPC's message, which has no live figures (a few
     * numbers a version) and is built whole. REST writes each version's as it goes ({@link #versions},
     * {@link #stat}).
     *
     * @param repository the served models
     * @param monitors   where each version's statistics and live inputs are read
     * @param live       whether each entry carries its inputs' live counts and drift (REST's {@code live}, tabserve's
     *                   own)
     * @throws org.tabserve.repository.RepositoryException as {@link #versions}
     */
    public static List<V2Json.ModelStat> of(
            ResolvedModel model, ModelRepository repository, Monitors monitors, boolean live) {
        List<V2Json.ModelStat> stats = new ArrayList<>();
        for (ModelStatus version : versions(model, repository)) {
            stat(repository, monitors, version, live).ifPresent(stats::add);
        }
        return stats;
    }

    /**
     * The ready versions a request names: every one of every model (a request that names none), those of the model
     * named, or the version named, in the repository's order; checked before a byte of the answer is written.
     *
     * @param repository the served models, whose index lists the ready versions
     *
     * @throws org.tabserve.repository.RepositoryException for a model or version named that does not serve (a 404
     *                                                     saying which do, or a 503 saying why it is not ready)
     */
    static List<ModelStatus> versions(ResolvedModel model, ModelRepository repository) {
        List<ModelStatus> versions = new ArrayList<>();
        if (model.route().isPresent() && model.route().get().version().isPresent()) {
            model.model(); // 404 or 503 for a version that does not serve, as its other routes answer
            versions.add(new ModelStatus(
                    model.name(), model.route().get().version().get(), ModelState.READY, Optional.empty()));
        } else {
            String name = model.route().map(ModelRoute::name).orElse(null);
            repository.index().stream()
                    .filter(s -> s.state() == ModelState.READY)
                    .filter(s -> name == null || s.name().equals(name))
                    // every model's: those the caller may see the figures of (metrics:NAME), no other's
                    .filter(s -> name != null || model.caller().may(Scope.METRICS, s.name()))
                    .forEach(versions::add);
            if (name != null && versions.isEmpty()) {
                model.model(); // the 404 (or 503 with its reason) of a model that does not serve
            }
        }
        return versions;
    }

    /**
     * One version's figures, built on their own so that an answer of many versions holds one at a time (each
     * version's live figures are a few kilobytes an input: 500 versions built at once were 1.9 MB of JSON a request).
     *
     * @param repository the served models, where the version is leased
     * @param monitors   where the version's statistics and live inputs are read
     * @param live       whether the entry carries its inputs' live counts and drift
     * @return empty for a version unloaded since the index was read
     */
    static Optional<V2Json.ModelStat> stat(
            ModelRepository repository, Monitors monitors, ModelStatus version, boolean live) {
        Map<String, Map<String, Object>> inputs = new LinkedHashMap<>();
        try (Lease lease = repository.lease(version.name(), version.version())) {
            if (live) {
                monitors.drift()
                        .of(version.name(), version.version(), lease.model())
                        .ifPresent(profile -> profile.snapshot()
                                .forEach(feature -> inputs.put(feature.name(), LiveJson.of(feature))));
            }
        } catch (RuntimeException e) {
            return Optional.empty(); // unloaded since the index was read
        }
        ModelStatistics.Snapshot s = monitors.statistics().of(version.name(), version.version());
        return Optional.of(new V2Json.ModelStat(
                s.name(),
                Long.toString(s.version()),
                s.lastInferenceMillis(),
                s.rows(),
                s.executions(),
                new V2Json.InferenceStats(
                        new V2Json.DurationStat(s.successes(), s.successNanos()),
                        new V2Json.DurationStat(s.failures(), s.failureNanos())),
                List.of(),
                live ? inputs : null));
    }
}
