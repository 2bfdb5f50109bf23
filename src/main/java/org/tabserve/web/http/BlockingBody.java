package org.tabserve.web.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that tabserve has read or decoded itself (a small body read before its request took a slot, a gzip
 * body inflated), handed to the servlets as the blocking servlet stream they read: tabserve reads every body
 * blocking, so a read listener is refused.
 */
final class BlockingBody extends ServletInputStream {

    private final InputStream in;
    private boolean finished;

    BlockingBody(InputStream in) {
        this.in = in;
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

    @Override
    public void setReadListener(ReadListener listener) {
        throw new IllegalStateException("tabserve reads request bodies blocking");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
