package org.tabserve.web.http.limits;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.tabserve.web.http.WebConfig;

/**
 * Inflates gzip data that a client sent: a request body with {@code Content-Encoding: gzip} or an uploaded
 * {@code .gz} file. Whoever reads it counts the inflated bytes against a limit ({@link LimitedInputStream}), so a
 * small body that inflates without end (a gzip bomb) stops at the limit as a 413, inflated a buffer at a time, never
 * held whole. Data that is not gzip, or is cut short, fails with {@link Corrupt} (a 400), while a client that hangs
 * up or goes silent fails as any body does (the underlying stream's own exception, a 400 or 408).
 */
public final class GzipInput extends InputStream {

    /** The gzip data itself is broken: the client's mistake, said in terms of its data. */
    static final class Corrupt extends IOException {
        Corrupt(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Source source;
    private GZIPInputStream gzip;

    GzipInput(InputStream compressed) {
        this.source = new Source(compressed);
    }

    /**
     * An uploaded file's bytes, inflated when it is gzip (a name ending in {@code .gz}, or gzip's magic bytes at its
     * start, as a browser may name a compressed file anything), and read at most {@code limit} inflated bytes.
     */
    public static InputStream upload(InputStream file, String name, long limit) throws IOException {
        BufferedInputStream in = new BufferedInputStream(file);
        in.mark(2);
        boolean magic = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        boolean named = name != null && name.toLowerCase(Locale.ROOT).endsWith(".gz");
        return magic || named
                ? new LimitedInputStream(new GzipInput(in), limit, WebConfig.MAX_UPLOAD_BYTES, "the file inflated")
                : in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            if (gzip == null) {
                gzip = new GZIPInputStream(source, 8192); // reads the gzip header
            }
            return gzip.read(buffer, offset, length);
        } catch (IOException e) {
            throw why(e);
        }
    }

    /** The client's own failure when reading its bytes failed, else what is wrong with its gzip data. */
    private IOException why(IOException failure) {
        if (source.failure != null) {
            return source.failure;
        }
        if (failure instanceof EOFException) {
            return new Corrupt("the gzip data ends before it is complete (cut short?)", failure);
        }
        if (failure instanceof ZipException && "Not in GZIP format".equals(failure.getMessage())) {
            return new Corrupt("the data is not gzip (it does not start with gzip's header)", failure);
        }
        return new Corrupt("the gzip data is corrupt", failure);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    /** The compressed bytes, remembering whether reading them failed (as opposed to inflating them). */
    private static final class Source extends FilterInputStream {
        IOException failure;

        Source(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return super.read(buffer, offset, length);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }
}
