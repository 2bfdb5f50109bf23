package org.tabserve.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.ModelException;
import org.tabserve.model.OnnxModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@code POST /admin/model}: an operator swaps the served model while the server runs. The body is the new ONNX
 * file's bytes ({@code application/octet-stream}); it is loaded, warmed up, checked to take the same features and
 * give the same classes (both in the same order) as the served model, and then swapped in atomically (see
 * {@link ServedModel}). A model that fails any check is refused with 422 and the reason, and the old one keeps
 * serving.
 *
 * <p>Off (404) unless {@link WebConfig#ADMIN_TOKEN} is set; then it needs {@code Authorization: Bearer <token>},
 * compared in constant time. No header is a 401, a wrong token a 403; both are counted in
 * {@code tabserve_admin_refused_total} and logged with the client's address, at most once a minute each (anyone
 * can send them: one line per request would let a client flood the log).
 */
final class AdminModelServlet extends ApiServlet {

    static final String PATH = "/admin/model";
    private static final Logger LOG = Logger.getLogger(AdminModelServlet.class.getName());

    private final transient Optional<byte[]> tokenDigest;
    private final transient WebConfig config;
    private final transient Path temp;
    private final transient TabserveMetrics metrics;
    private final transient RateLimitedLog noToken = new RateLimitedLog(LOG, java.util.logging.Level.WARNING);
    private final transient RateLimitedLog wrongToken = new RateLimitedLog(LOG, java.util.logging.Level.WARNING);
    /** One swap at a time: the compatibility check and the swap must see the same served model. */
    private final transient Object swapping = new Object();

    AdminModelServlet(ServedModel model, ErrorRenderer errors, WebConfig config, Path temp, TabserveMetrics metrics) {
        super(model, errors);
        this.config = config;
        this.temp = temp;
        this.metrics = metrics;
        this.tokenDigest = config.adminToken().map(AdminModelServlet::sha256);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        authorize(request);
        requireContentType(request, "application/octet-stream");
        Path upload = temp == null ? Files.createTempFile("admin-model", ".onnx")
                : Files.createTempFile(temp, "admin-model", ".onnx");
        try {
            try (InputStream body = LimitedInputStream.body(request, config.maxUploadBytes())) {
                Files.copy(body, upload, StandardCopyOption.REPLACE_EXISTING);
            }
            Map<String, Object> answer = swap(upload, request.getRemoteAddr());
            response.setStatus(200);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            Json.MAPPER.writeValue(response.getOutputStream(), answer);
        } finally {
            Files.deleteIfExists(upload);
        }
    }

    private Map<String, Object> swap(Path upload, String client) {
        OnnxModel next;
        long start = System.nanoTime();
        try {
            next = OnnxModel.load(upload);
        } catch (ModelException e) {
            LOG.warning("Refused a new model from " + client + ": " + e.getMessage());
            throw refused(e.getMessage().replace(upload.toString(), "the uploaded model"));
        }
        synchronized (swapping) {
            Optional<OnnxModel> served = model.current();
            if (served.isPresent()) {
                String incompatible = incompatibility(served.get(), next);
                if (incompatible != null) {
                    next.close();
                    LOG.warning("Refused a new model from " + client + ": " + incompatible);
                    throw refused(incompatible);
                }
            }
            Optional<OnnxModel> previous = model.replace(next, (System.nanoTime() - start) / 1e9);
            LOG.info("Swapped the served model for " + next.card().name() + " (sha256 " + next.sha256().substring(0, 12)
                    + ", was " + previous.map(p -> p.sha256().substring(0, 12)).orElse("none") + ") at the request of "
                    + client);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("status", "swapped");
            answer.put("model", next.card().name());
            answer.put("version", next.card().version().isEmpty() ? null : next.card().version());
            answer.put("sha256", next.sha256());
            answer.put("previous_sha256", previous.map(OnnxModel::sha256).orElse(null));
            return answer;
        }
    }

    /** Why clients of the served model could not use the new one, or null when they can. */
    static String incompatibility(OnnxModel served, OnnxModel next) {
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
        return HttpProblem.of(422, "Model refused", "the new model was not swapped in, the old one still serves: " + why);
    }

    /** 404 when the route is off, 401 without a bearer token, 403 with a wrong one. */
    private void authorize(HttpServletRequest request) {
        if (tokenDigest.isEmpty()) {
            throw HttpProblem.of(404, "Not found", "no route for POST " + request.getRequestURI()
                    + " (the admin route is off; an operator turns it on by setting " + WebConfig.ADMIN_TOKEN + ")");
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            metrics.adminRefused("no_token");
            noToken.log(() -> "Refused " + request.getMethod() + " " + request.getRequestURI() + " from "
                    + request.getRemoteAddr() + ": no bearer token");
            throw new HttpProblem(401, "Unauthorized", "send Authorization: Bearer <the admin token>", List.of(),
                    Map.of("WWW-Authenticate", "Bearer realm=\"tabserve-admin\""));
        }
        byte[] given = sha256(header.substring(7).strip());
        // Digests of equal length compared in constant time: neither the token nor its length leaks through timing.
        if (!MessageDigest.isEqual(given, tokenDigest.get())) {
            metrics.adminRefused("wrong_token");
            wrongToken.log(() -> "Refused " + request.getMethod() + " " + request.getRequestURI() + " from "
                    + request.getRemoteAddr() + ": wrong admin token");
            throw HttpProblem.of(403, "Forbidden", "the admin token is wrong");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
