package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.ModelException;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.ServedModels;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.auth.AdminToken;
import org.tabserve.web.http.limits.LimitedInputStream;
import org.tabserve.web.http.request.MediaType;

/**
 * The admin routes that put a model in while the server runs; the body is the ONNX file's bytes
 * ({@code application/octet-stream}), streamed to disk (never into the heap) within the upload limit.
 * <ul>
 *   <li>{@code POST /admin/model} swaps the default model: the new one is loaded, warmed up, checked to take the same
 *       features and give the same classes (both in the same order), and swapped in atomically (see
 *       {@link ServedModels}); with a writable {@code --models} directory its file is kept there. A repository
 *       that serves nothing yet has no default to swap: it takes a model whose card or graph names it, and refuses
 *       (409) one that names none, which would be served under the upload's temporary file name.</li>
 *   <li>{@code PUT /admin/models/{name}} installs a model by name into the {@code --models} directory (so that it
 *       survives a restart) and serves it, where the directory serves that name from: a new version in Triton's
 *       layout, else replacing the model's file; never through a link leading outside the directory (409).</li>
 * </ul>
 * A model that fails any check is refused with 422 and the reason, and the old one keeps serving. Both are off (404)
 * unless {@link WebConfig#ADMIN_TOKEN} is set, and need that token: the route table checks it ({@link AdminToken}, the
 * routes' guard) before any handler here runs.
 */
public final class AdminModelHandler {

    public static final String PATH = "/admin/model";
    /** The prefix of {@code PUT /admin/models/{name}}. */
    public static final String MODELS_PATH = "/admin/models";
    /** The end of {@code POST /admin/models/{name}/reload}. */
    public static final String RELOAD = "/reload";
    /** What the 404 of a path under {@link #MODELS_PATH} that no route serves says. */
    public static final String ROUTES_HINT = "install a model with PUT " + MODELS_PATH + "/{name}";

    private static final Logger LOG = Logger.getLogger(AdminModelHandler.class.getName());

    private final ServedModels model;
    private final WebConfig config;
    private final Path temp;
    /** One swap at a time: the compatibility check and the swap must see the same served model. */
    private final Object swapping = new Object();

    /** @param model the served models, whose default one {@code POST /admin/model} swaps */
    public AdminModelHandler(ServedModels model, WebConfig config, Path temp) {
        this.model = model;
        this.config = config;
        this.temp = temp;
    }

    /** {@code PUT /admin/models/{name}}: installs the model the path names. */
    public void install(ResolvedModel named, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        MediaType.require(request, "application/octet-stream");
        String name = named.name();
        org.tabserve.repository.ModelStatus status;
        try (InputStream body = LimitedInputStream.body(request, config.maxUploadBytes(), WebConfig.MAX_UPLOAD_BYTES)) {
            status = model.repository().install(name, body).join(); // failures: see ErrorRenderer
        }
        LOG.info("Installed model " + name + " version " + status.version() + " at the request of "
                + request.getRemoteAddr());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "installed");
        answer.put("name", status.name());
        answer.put("version", Long.toString(status.version()));
        answer.put("state", status.state().name());
        respond(response, answer);
    }

    /**
     * {@code POST /admin/models/{name}/reload}: reads the model again now, even when its files look unchanged (a
     * store's objects downloaded again, their digests checked); a version that serves keeps serving until its new load
     * is ready, or when it fails, which the answer's {@code reason} says.
     */
    public void reload(ResolvedModel named, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String name = named.name();
        java.util.List<org.tabserve.repository.ModelStatus> statuses =
                model.repository().reload(name).join(); // failures: see ErrorRenderer
        LOG.info("Reloaded model " + name + " at the request of " + request.getRemoteAddr());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "reloaded");
        answer.put("name", name);
        answer.put(
                "versions",
                statuses.stream()
                        .map(status -> {
                            Map<String, Object> version = new LinkedHashMap<>();
                            version.put("version", Long.toString(status.version()));
                            version.put("state", status.state().name());
                            status.reason().ifPresent(reason -> version.put("reason", reason));
                            return version;
                        })
                        .toList());
        respond(response, answer);
    }

    /** {@code POST /admin/model}: swaps the default model for the one in the body. */
    public void swap(ResolvedModel unused, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        MediaType.require(request, "application/octet-stream");
        Path upload = temp == null
                ? Files.createTempFile("admin-model", ".onnx")
                : Files.createTempFile(temp, "admin-model", ".onnx");
        try {
            try (InputStream body =
                    LimitedInputStream.body(request, config.maxUploadBytes(), WebConfig.MAX_UPLOAD_BYTES)) {
                Files.copy(body, upload, StandardCopyOption.REPLACE_EXISTING);
            }
            respond(response, swap(upload, request.getRemoteAddr()));
        } finally {
            Files.deleteIfExists(upload);
        }
    }

    private static void respond(HttpServletResponse response, Map<String, Object> answer) throws IOException {
        response.setStatus(200);
        response.setContentType(Json.MEDIA_TYPE);
        response.setHeader("Cache-Control", "no-store");
        Json.MAPPER.writeValue(response.getOutputStream(), answer);
    }

    private Map<String, Object> swap(Path upload, String client) throws IOException {
        Model next;
        long start = System.nanoTime();
        try {
            next = OnnxModelLoader.load(upload);
        } catch (ModelException e) {
            LOG.warning("Refused a new model from " + client + ": " + e.getMessage());
            throw refused(e.reason()); // the reason without the temporary file's path
        }
        if (model.repository().defaultModel().isEmpty()
                && next.card().name().equals(upload.getFileName().toString().replaceFirst("\\.onnx$", ""))) {
            next.close(); // named after the upload's temporary file: its card and graph name none
            LOG.warning("Refused a new model from " + client + ": no default model, and it names none");
            throw HttpProblem.of(
                    409,
                    "Conflict",
                    "no model serves by default, and the new model's card and graph name none to serve it under:"
                            + " install it by name with PUT " + MODELS_PATH + "/{name}");
        }
        synchronized (swapping) {
            Optional<Model> served = model.current();
            if (served.isPresent()) {
                String incompatible = incompatibility(served.get(), next);
                if (incompatible != null) {
                    next.close();
                    LOG.warning("Refused a new model from " + client + ": " + incompatible);
                    throw refused(incompatible);
                }
            }
            Optional<Model> previous = model.replace(upload, next, (System.nanoTime() - start) / 1e9);
            LOG.info("Swapped the served model for " + next.card().name() + " (sha256 "
                    + next.sha256().substring(0, 12)
                    + ", was " + previous.map(p -> p.sha256().substring(0, 12)).orElse("none") + ") at the request of "
                    + client);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("status", "swapped");
            answer.put("model", next.card().name());
            answer.put(
                    "version",
                    next.card().version().isEmpty() ? null : next.card().version());
            answer.put("sha256", next.sha256());
            answer.put("previous_sha256", previous.map(Model::sha256).orElse(null));
            return answer;
        }
    }

    /** Why clients of the served model could not use the new one, or null when they can. */
    static String incompatibility(Model served, Model next) {
        if (!served.signature().featureNames().equals(next.signature().featureNames())) {
            return "the new model takes the features " + next.signature().featureNames() + "; the served model takes "
                    + served.signature().featureNames() + " (same names, same order required)";
        }
        if (!served.signature().classLabels().equals(next.signature().classLabels())) {
            return "the new model gives the classes " + next.signature().classLabels() + "; the served model gives "
                    + served.signature().classLabels() + " (same labels, same order required)";
        }
        return null;
    }

    private static HttpProblem refused(String why) {
        return HttpProblem.of(
                422, "Model refused", "the new model was not swapped in, the old one still serves: " + why);
    }
}
