package org.tabserve.serving.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.tabserve.model.Model;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelState;
import org.tabserve.repository.ModelStatus;
import org.tabserve.repository.RepositoryException;
import org.tabserve.serving.budget.ServingException;

/**
 * What a rollout asks of a model's versions, in words: that each version it names is ready, that one is left to answer
 * the other requests, and that a candidate can answer the serving version's clients (the same features in the same
 * order, the same classes, and for a canary the same graph inputs). The admin API refuses a rollout that fails them;
 * a {@code rollout.json} that fails them is shown as a problem instead.
 */
final class RolloutChecks {

    private final ModelRepository repository;

    RolloutChecks(ModelRepository repository) {
        this.repository = repository;
    }

    /**
     * @param primary the version that would answer the other requests under {@code rollout}, if any
     * @throws ServingException {@link ServingException.Kind#NOT_FOUND} for a model not served,
     *                          {@link ServingException.Kind#REFUSED} saying what does not hold
     */
    void check(String name, Rollout rollout, OptionalLong primary) {
        List<ModelStatus> versions = versions(name);
        for (long version : rollout.named()) {
            String why = notReady(versions, version);
            if (why != null) {
                throw ServingException.refused("model '" + name + "' " + why + "; a rollout names ready versions: "
                        + repository.readyVersions(name));
            }
        }
        if (primary.isEmpty()) {
            throw ServingException.refused("no version of model '" + name + "' besides " + rollout.candidates()
                    + " is ready to answer the other requests; ready versions: " + repository.readyVersions(name));
        }
        for (long candidate : rollout.candidates()) {
            boolean answers =
                    rollout.canary().filter(c -> c.version() == candidate).isPresent();
            String incompatible = incompatibility(name, primary.getAsLong(), candidate, answers);
            if (incompatible != null) {
                throw ServingException.refused(incompatible);
            }
        }
    }

    /**
     * @return the model's versions
     * @throws ServingException {@link ServingException.Kind#NOT_FOUND} for a model not served
     */
    List<ModelStatus> versions(String name) {
        List<ModelStatus> versions =
                repository.index().stream().filter(s -> s.name().equals(name)).toList();
        if (versions.isEmpty()) {
            throw ServingException.of(ServingException.Kind.NOT_FOUND, "no model named '" + name + "'");
        }
        return versions;
    }

    /** @return each version {@code rollout} names that is not ready, in words */
    List<String> notReady(String name, Rollout rollout) {
        List<ModelStatus> versions =
                repository.index().stream().filter(s -> s.name().equals(name)).toList();
        List<String> problems = new ArrayList<>();
        for (long version : rollout.named()) {
            String why = notReady(versions, version);
            if (why != null) {
                problems.add("the rollout names version " + version + ", but the model " + why);
            }
        }
        return problems;
    }

    /** @return why {@code version} is not ready, in words, or null when it is */
    private static String notReady(List<ModelStatus> versions, long version) {
        Optional<ModelStatus> status =
                versions.stream().filter(s -> s.version() == version).findFirst();
        if (status.isEmpty()) {
            return "has no version " + version;
        }
        if (status.get().state() == ModelState.READY) {
            return null;
        }
        return "version " + version + " is "
                + (status.get().state() == ModelState.UNAVAILABLE
                        ? "failed"
                        : status.get().state().name().toLowerCase(Locale.ROOT))
                + status.get().reason().map(r -> " (" + r + ")").orElse("");
    }

    /**
     * @param answers whether the candidate answers requests (a canary), so that the Open Inference Protocol's
     *                requests, which name the graph's inputs, must fit it too; a shadow's rows are checked again for it
     * @return why clients of {@code primary} could not be answered by {@code candidate}, or null when they can
     */
    private String incompatibility(String name, long primary, long candidate, boolean answers) {
        try (Lease a = repository.lease(name, primary);
                Lease b = repository.lease(name, candidate)) {
            Model served = a.model();
            Model next = b.model();
            String which = "version " + candidate + " of model '" + name + "'";
            if (!served.signature().featureNames().equals(next.signature().featureNames())) {
                return which + " takes the features " + next.signature().featureNames() + "; version " + primary
                        + " takes " + served.signature().featureNames() + " (same names, same order required)";
            }
            if (!served.signature().classLabels().equals(next.signature().classLabels())) {
                return which + " gives the classes " + next.signature().classLabels() + "; version " + primary
                        + " gives " + served.signature().classLabels() + " (same labels, same order required)";
            }
            List<String> inputs =
                    served.signature().inputs().stream().map(ModelInput::name).toList();
            List<String> nextInputs =
                    next.signature().inputs().stream().map(ModelInput::name).toList();
            if (answers && !inputs.equals(nextInputs)) {
                return which + " has the graph inputs " + nextInputs + "; version " + primary + " has " + inputs
                        + ", which the Open Inference Protocol's requests name: a canary takes the same inputs (a"
                        + " shadow need not)";
            }
            return null;
        } catch (RepositoryException e) {
            return e.getMessage();
        }
    }
}
