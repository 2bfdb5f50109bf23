package org.tabserve.web.http;

import java.util.Optional;

/**
 * The model a request's path names ({@code /models/{name}[/versions/{version}]/...}, {@code /v2/models/...}), so that
 * one servlet per route serves every model: routes are data, as models come and go while the app runs.
 *
 * @param name    the model's name in the repository
 * @param version the version the path names, if it names one; otherwise the highest ready one serves
 */
public record ModelRoute(String name, Optional<Long> version) {

    /**
     * Reads a version as a path gives it.
     *
     * @throws HttpProblem 404 for a version that is not a whole number from 1
     */
    public static ModelRoute of(String name, String version) {
        if (version == null) {
            return new ModelRoute(name, Optional.empty());
        }
        try {
            long number = Long.parseLong(version);
            if (number >= 1) {
                return new ModelRoute(name, Optional.of(number));
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw HttpProblem.of(404, "Not found", "no version '" + version + "' of model '" + name
                + "': versions are whole numbers from 1");
    }

    /** @return where the model's routes are: {@code /models/{name}}, with {@code /versions/{version}} if named */
    public String base() {
        return ModelRoutesServlet.PATH + "/" + name + version.map(v -> "/versions/" + v).orElse("");
    }
}
