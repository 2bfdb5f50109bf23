package org.tabserve.web.http.limits;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that tabserve has read or decoded itself (a small body read before its request took a slot, a gzip
 * body inflated), handed to the servlets as the servlet stream they read. tabserve's own routes read it blocking;
 * gRPC's servlet transport reads with a read listener (a gRPC call may declare its length, and then its body is read
 * ahead too), which is told on a container thread of the request's async context, as a container would: the bytes
 * are here (or are inflated from bytes that are), so it is told that all of them are available, then that all were
 * read.
 */
final class BlockingBody extends ServletInputStream {

    private final InputStream in;
    /** The request whose body this is, for the async context a read listener is told on. */
    private final ServletRequest request;

    private volatile boolean finished;

    BlockingBody(InputStream in, ServletRequest request) {
        this.in = in;
        this.request = request;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        finished = b < 0;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        finished = n < 0;
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    /** @throws IllegalStateException as the servlet API says, when the request is not asynchronous */
    @Override
    public void setReadListener(ReadListener listener) {
        if (listener == null) {
            throw new NullPointerException("listener");
        }
        if (!request.isAsyncStarted()) {
            throw new IllegalStateException("a read listener needs an asynchronous request");
        }
        request.getAsyncContext().start(() -> {
            try {
                listener.onDataAvailable(); // reads while isReady(): to the end, every read answered at once
                if (finished) {
                    listener.onAllDataRead();
                }
            } catch (IOException | RuntimeException e) {
                listener.onError(e);
            }
        });
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
