package org.tabserve.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads at most a set number of bytes and answers 413 past it, for bodies that come without a Content-Length. */
final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) {
        count += n;
        if (count > limit) {
            throw HttpProblem.tooLarge("the body is larger than the limit of " + limit + " bytes");
        }
    }

    /** Opens a request body, refusing it up front when its declared length is over the limit. */
    static InputStream body(jakarta.servlet.http.HttpServletRequest request, long limit) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw HttpProblem.tooLarge("the body has " + declared + " bytes; the limit is " + limit + " bytes");
        }
        return new LimitedInputStream(request.getInputStream(), limit);
    }
}
