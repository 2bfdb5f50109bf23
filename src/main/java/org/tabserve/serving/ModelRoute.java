package org.tabserve.serving;

import java.util.Optional;
import java.util.OptionalLong;
import org.tabserve.repository.ModelVersion;
import org.tabserve.serving.budget.ServingException;

/**
 * The model a request's path names ({@code /models/{name}[/versions/{version}]/...}, {@code /v2/models/...}), as the
 * route table's {@code {name}} and {@code {version}} read it, so that one handler per route serves every model:
 * routes are data, as models come and go while the app runs.
 *
 * @param name    the model's name in the repository
 * @param version the version the path names, if it names one; otherwise the highest ready one serves
 */
public record ModelRoute(String name, Optional<Long> version) {

    /**
     * Reads a version as a path gives it, by the repository's one rule ({@link ModelVersion}): {@code 01}, {@code +1}
     * or {@code １} name no version, so they are a 404 like a version that is not served.
     *
     * @throws ServingException {@link ServingException.Kind#NOT_FOUND} for text that is no version
     */
    public static ModelRoute of(String name, String version) {
        if (version == null) {
            return new ModelRoute(name, Optional.empty());
        }
        OptionalLong number = ModelVersion.parse(version);
        if (number.isEmpty()) {
            throw ServingException.of(
                    ServingException.Kind.NOT_FOUND,
                    "no version '" + version + "' of model '" + name + "': " + ModelVersion.RULE);
        }
        return new ModelRoute(name, Optional.of(number.getAsLong()));
    }
}
