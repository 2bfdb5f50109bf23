package org.tabserve.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A {@code multipart/form-data} body built by hand, as a browser sends an upload. */
public final class Multipart {

    private static final String BOUNDARY = "tabserve-it-7d1f3a9c";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private boolean finished;

    /** A body with one file field {@code file} named {@code data.csv}. */
    public static Multipart csv(byte[] content) {
        return new Multipart().file("file", "data.csv", "text/csv", content);
    }

    public static Multipart csv(String content) {
        return csv(content.getBytes(StandardCharsets.UTF_8));
    }

    public Multipart file(String field, String filename, String contentType, byte[] content) {
        ascii("--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: " + contentType + "\r\n\r\n");
        out.writeBytes(content);
        ascii("\r\n");
        return this;
    }

    public Multipart text(String field, String value) {
        ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n");
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        ascii("\r\n");
        return this;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    public byte[] bytes() {
        if (!finished) {
            ascii("--" + BOUNDARY + "--\r\n");
            finished = true;
        }
        return out.toByteArray();
    }

    private void ascii(String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }
}
