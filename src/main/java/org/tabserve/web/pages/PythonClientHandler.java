package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.tabserve.serving.ResolvedModel;

/**
 * {@code GET /clients/tabserve_client.py}: the Python client ({@code clients/python/tabserve_client.py}, which the
 * build puts beside this class), so that {@code curl} installs it from the server it talks to. One fixed file, read
 * once when the app starts, as {@code text/x-python}, with its SHA-256 as its {@code ETag} (a 304 for a client that
 * has it) and an hour's caching; nothing else under {@code /clients/} is served.
 */
public final class PythonClientHandler {

    /** Where the client is served. */
    public static final String PATH = "/clients/tabserve_client.py";
    /** Its media type. */
    public static final String MEDIA_TYPE = "text/x-python";
    /** The class path resource the build copies the client to, beside this class. */
    static final String RESOURCE = "tabserve_client.py";
    /** How long a client may keep it before asking again: it changes only with a new WAR. */
    static final String CACHE_CONTROL = "public, max-age=3600";

    private final byte[] file;
    private final String etag;

    public PythonClientHandler() {
        this.file = read();
        this.etag = "\"" + HexFormat.of().formatHex(sha256(file)) + "\"";
    }

    /** {@code GET} (and {@code HEAD}) {@value #PATH}. */
    public void download(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        response.setHeader("ETag", etag);
        response.setHeader("Cache-Control", CACHE_CONTROL);
        if (alreadyHeld(request.getHeader("If-None-Match"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentType(MEDIA_TYPE + "; charset=utf-8");
        response.setContentLength(file.length);
        response.getOutputStream().write(file);
    }

    /** Whether {@code If-None-Match} names this file's tag (weakly or not), or any ({@code *}). */
    private boolean alreadyHeld(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] read() {
        try (InputStream in = PythonClientHandler.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the Python client is missing from the class path: no " + RESOURCE
                        + " beside " + PythonClientHandler.class.getName() + " (the build copies clients/python/)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the Python client " + RESOURCE, e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
