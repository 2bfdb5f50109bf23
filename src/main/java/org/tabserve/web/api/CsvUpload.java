package org.tabserve.web.api;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.OnError;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.PageSession;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.limits.GzipInput;
import org.tabserve.web.http.limits.LimitedInputStream;
import org.tabserve.web.http.limits.MultipartRefusal;

/**
 * The CSV file of an upload to {@code /predict_file} (multipart field {@value #FIELD}, and optionally the upload
 * form's field {@code on_error}): found in the request with the
 * container's multipart failures told apart (413 past the limit, 400 for a malformed body, in every container), and
 * opened as often as a reading pass needs it (a {@code .csv.gz} inflated). Delete it when the request is done.
 */
public final class CsvUpload {

    static final String FIELD = "file";
    /** For a multipart body the container gave up on: its rest is unread, so the connection ends with the answer. */
    private static final java.util.Map<String, String> CLOSE = java.util.Map.of("Connection", "close");
    /** Room for the multipart framing (boundaries, part headers) around a CSV of the largest accepted size. */
    static final long MULTIPART_OVERHEAD_BYTES = 65_536;
    /** Uploads are spooled to the container's temporary directory past this many bytes. */
    private static final int MEMORY_THRESHOLD_BYTES = 1 << 20;

    private final Part part;
    private final long maxUploadBytes;
    private final String onError;

    private CsvUpload(Part part, long maxUploadBytes, String onError) {
        this.part = part;
        this.maxUploadBytes = maxUploadBytes;
        this.onError = onError;
    }

    /** The form's {@code on_error} field as sent (a short word: more is refused), read from the container's part. */
    /** The upload form's CSRF token field, as sent (null when it is longer than a token can be). */
    private static String token(Part part) throws IOException {
        try (InputStream in = part.getInputStream()) {
            byte[] sent = in.readNBytes(129);
            return sent.length > 128 ? null : new String(sent, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String choice(Part part) throws IOException {
        try (InputStream in = part.getInputStream()) {
            byte[] sent = in.readNBytes(65);
            if (sent.length > 64) {
                throw HttpProblem.badRequest("the multipart field '" + OnError.PARAMETER + "' is longer than a word;"
                        + " it takes 'row' or 'reject'");
            }
            return new String(sent, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * @return the upload form's {@code on_error} field (its "answer the other rows" box), or null when not sent: the
     *         query string's {@code ?on_error=} comes first
     */
    String onError() {
        return onError;
    }

    /**
     * The container's multipart limits for the upload route: a file of at most {@code maxUploadBytes}, in a body of
     * at most that plus {@link #MULTIPART_OVERHEAD_BYTES}; past either the container stops reading (a 413 here).
     */
    public static MultipartConfigElement multipartConfig(String location, long maxUploadBytes) {
        return new MultipartConfigElement(
                location, maxUploadBytes, maxUploadBytes + MULTIPART_OVERHEAD_BYTES, MEMORY_THRESHOLD_BYTES);
    }

    /**
     * Finds the CSV in the request's multipart body, refusing a body declared larger than the limit before the
     * container reads a byte.
     *
     * @throws HttpProblem 413 past the limit, 400 for a body that is not multipart or has other fields, 408 or 400
     *                     for a body that broke off
     */
    static CsvUpload of(HttpServletRequest request, long maxUploadBytes) throws IOException {
        long declared = request.getContentLengthLong();
        long limit = maxUploadBytes + MULTIPART_OVERHEAD_BYTES;
        if (declared > limit) {
            // Refused on its declared length alone, before the container reads a byte (or sends 100 Continue).
            throw HttpProblem.declaredTooLarge("the upload", declared, limit, WebConfig.MAX_UPLOAD_BYTES);
        }
        try {
            Part file = null;
            String onError = null;
            String csrf = null;
            List<String> others = new ArrayList<>();
            java.util.Collection<Part> parts = parts(request);
            MultipartRefusal.check(parts);
            for (Part part : parts) {
                if (FIELD.equals(part.getName()) && file == null) {
                    file = part;
                } else if (PageSession.FIELD.equals(part.getName())
                        && csrf == null
                        && part.getSubmittedFileName() == null) {
                    csrf = token(part); // the page's form carries its session's token
                } else if (OnError.PARAMETER.equals(part.getName())
                        && onError == null
                        && part.getSubmittedFileName() == null) {
                    onError = choice(part);
                } else {
                    others.add(part.getName());
                }
            }
            PageSession.requireToken(request, csrf); // a signed-in person's upload: from this server's page alone
            if (!others.isEmpty()) {
                throw HttpProblem.badRequest("unexpected multipart field(s) " + others
                        + "; send the CSV once, in the field '" + FIELD + "'");
            }
            if (file == null) {
                throw HttpProblem.badRequest("the multipart field '" + FIELD + "' with the CSV is missing");
            }
            return new CsvUpload(file, maxUploadBytes, onError);
        } catch (IllegalStateException e) {
            throw refusal(e, maxUploadBytes);
        } catch (ServletException e) {
            MultipartRefusal refusal = MultipartRefusal.of(e);
            if (refusal != null) {
                throw refusal.problem();
            }
            if (causedByLimit(e)) {
                throw overLimit(maxUploadBytes);
            }
            // Jetty wraps a body that timed out (silent, or slower than the minimum rate) in its "bad multipart" too.
            HttpProblem broken = LimitedInputStream.unreadable(new IOException(e));
            if (broken.status() == 408) {
                throw broken;
            }
            throw new HttpProblem(
                    400, "Bad request", "the body is not a well-formed multipart/form-data upload", List.of(), CLOSE);
        } catch (IOException e) {
            // The client stopped sending or hung up half-way; disk trouble on the server's side is logged as usual.
            HttpProblem problem = LimitedInputStream.unreadable(e);
            MultipartRefusal refusal = MultipartRefusal.of(e);
            if (problem.status() != 408 && refusal != null) {
                throw refusal.problem();
            }
            if (problem.status() == 408
                    || !(e.getMessage() != null && e.getMessage().contains("No space"))) {
                throw problem;
            }
            throw e;
        }
    }

    /** The uploaded file's bytes; a gzip file ({@code .csv.gz}) inflated, its inflated bytes within the upload limit. */
    InputStream open() throws IOException {
        return GzipInput.upload(part.getInputStream(), part.getSubmittedFileName(), maxUploadBytes);
    }

    /**
     * @return the format of the file's rows: the one its part's media type names, else the one its name's ending
     *         names (a {@code .gz} ending aside), else CSV (browsers and curl send most files as
     *         {@code application/octet-stream})
     */
    RowFormat format() {
        String name = part.getSubmittedFileName();
        String unzipped =
                name != null && name.toLowerCase(java.util.Locale.ROOT).endsWith(".gz")
                        ? name.substring(0, name.length() - 3)
                        : name;
        return RowFormat.ofMediaType(part.getContentType())
                .or(() -> RowFormat.ofFileName(unzipped))
                .orElse(RowFormat.CSV);
    }

    /** @return the file's size in bytes, as received */
    long bytes() {
        return part.getSize();
    }

    /** @return the file's name as the client gave it, or null */
    String fileName() {
        return part.getSubmittedFileName();
    }

    /** Removes the container's temporary copy. */
    void delete() throws IOException {
        part.delete();
    }

    /**
     * The request's parts. Undertow (WildFly) wraps its own failures in a bare RuntimeException (too many parts, a body
     * that ends before its closing boundary), which would otherwise be a 500 and a stack trace in the log.
     */
    private static java.util.Collection<Part> parts(HttpServletRequest request) throws IOException, ServletException {
        try {
            return request.getParts();
        } catch (IllegalStateException | HttpProblem e) {
            throw e;
        } catch (RuntimeException e) {
            MultipartRefusal refusal = MultipartRefusal.of(e);
            if (refusal != null) {
                throw refusal.problem();
            }
            if (e.getCause() instanceof IOException broken) {
                throw broken;
            }
            throw e;
        }
    }

    /** A container's IllegalStateException from getParts: one of its part limits, else the upload's size. */
    private static HttpProblem refusal(IllegalStateException failure, long maxUploadBytes) {
        MultipartRefusal refusal = MultipartRefusal.of(failure);
        return refusal == null ? overLimit(maxUploadBytes) : refusal.problem();
    }

    /** The container stopped reading the body part-way: the connection cannot carry another request. */
    private static HttpProblem overLimit(long maxUploadBytes) {
        return new HttpProblem(
                413,
                "Content too large",
                "the upload is larger than the limit of " + maxUploadBytes + " bytes; "
                        + WebConfig.raisedBy(WebConfig.MAX_UPLOAD_BYTES),
                List.of(),
                CLOSE);
    }

    /**
     * Whether a failed multipart read was a size limit. The Servlet API says {@code getParts} throws an
     * IllegalStateException then, and Tomcat does (caught above); Jetty 12 wraps it in a ServletException ("bad
     * multipart") as it does its other multipart failures, some of them IllegalStateExceptions too (too many parts),
     * and has no exception type of its own for a limit, so its message ("max file size exceeded: N", "max length
     * exceeded: N") tells. DeploymentChecks' upload past the limit fails under Jetty if an upgrade changes that.
     */
    private static boolean causedByLimit(ServletException failure) {
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalStateException
                    && cause.getMessage() != null
                    && cause.getMessage().contains("exceeded")) {
                return true;
            }
        }
        return false;
    }
}
