package org.tabserve.web.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tabserve.serving.rollout.Rollouts;

/**
 * A model's rollout in the words of the pages (the {@code /models} dashboard's Rollouts section, the model's card):
 * which version answers, its shadow or canary with the live comparison's headline figures, and what is wrong with
 * the rollout, if anything; drawn from the same figures as {@code GET /models/{name}/api/rollout}.
 *
 * @param serving the version answering unversioned requests besides a canary's share, in words
 * @param parts   the shadow and the canary, those there are
 * @param problem why the rollout does not do all it says (a bad {@code rollout.json}, a version not ready); else empty
 */
record RolloutView(String name, String serving, List<Part> parts, String problem) {

    /**
     * A shadow or a canary.
     *
     * @param role      {@code shadow} or {@code canary}
     * @param share     what share of requests it takes, in words
     * @param agreement the share of equal labels, or "–" (a regressor, or nothing compared yet)
     */
    record Part(String role, String version, String share, String compared, String agreement, String p50, String p99) {}

    /** @return the rollout of every model that has one (or a bad {@code rollout.json}), by name */
    static List<RolloutView> all(Rollouts rollouts) {
        return rollouts.models().stream()
                .map(name -> of(rollouts, name))
                .flatMap(Optional::stream)
                .toList();
    }

    /** @return model {@code name}'s rollout, when it has one */
    static Optional<RolloutView> of(Rollouts rollouts, String name) {
        if (!rollouts.models().contains(name)) {
            return Optional.empty();
        }
        Map<String, Object> status = rollouts.status(name);
        List<Part> parts = new ArrayList<>(2);
        part(status, "shadow").ifPresent(parts::add);
        part(status, "canary").ifPresent(parts::add);
        Object serving = status.get("serving");
        Object problem = status.get("problem");
        return Optional.of(new RolloutView(
                name,
                serving == null ? "none ready" : "version " + serving,
                parts,
                problem == null ? "" : problem.toString()));
    }

    @SuppressWarnings("unchecked")
    private static Optional<Part> part(Map<String, Object> status, String role) {
        if (!(status.get(role) instanceof Map<?, ?> part)) {
            return Optional.empty();
        }
        Map<String, Object> figures = (Map<String, Object>) part;
        Map<String, Object> difference = (Map<String, Object>) figures.get("difference");
        String share = role.equals("canary")
                ? decimal(figures.get("percent"), 1) + " % of unversioned requests"
                : percent(figures.get("sample")) + " of requests' rows";
        return Optional.of(new Part(
                role,
                String.valueOf(figures.get("version")),
                share,
                String.format(Locale.ROOT, "%,d", (Long) figures.get("compared")),
                figures.get("agreement") == null ? "–" : percent(figures.get("agreement")),
                decimal(difference.get("p50"), 4),
                decimal(difference.get("p99"), 4)));
    }

    private static String percent(Object share) {
        return share == null ? "–" : decimal(((Number) share).doubleValue() * 100, 1) + " %";
    }

    private static String decimal(Object number, int digits) {
        return number == null ? "–" : String.format(Locale.ROOT, "%." + digits + "f", ((Number) number).doubleValue());
    }
}
