package org.tabserve.web.http;

import org.tabserve.serving.ServingException;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The share of the concurrency limit's slots that the answers about every model (the models page,
 * {@code /api/models}) may hold at once, so that a crowd of dashboard readers (a page left open in many browsers
 * refreshes itself every 10 s) leaves the other slots to predictions: the next reader is answered 503 with
 * {@code Retry-After} at once, never queued (the page's script skips that turn and tries again at the next).
 */
public final class ReaderLane {

    /** The lane's share of {@link WebConfig#MAX_CONCURRENT_REQUESTS}: a quarter. */
    static final int SHARE_DIVISOR = 4;

    /** An answer served in the lane. */
    public interface Answer {
        void serve() throws IOException;
    }

    private final Semaphore readers;
    private final int size;

    ReaderLane(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a lane needs at least one reader, got " + size);
        }
        this.readers = new Semaphore(size);
        this.size = size;
    }

    /** A lane of a quarter of {@code config}'s concurrency limit (at least one). */
    public static ReaderLane of(WebConfig config) {
        return new ReaderLane(Math.max(1, config.maxConcurrentRequests() / SHARE_DIVISOR));
    }

    public int size() {
        return size;
    }

    /**
     * Serves {@code answer} if the lane has room now.
     *
     * @throws ServingException BUSY (503, {@code Retry-After}) when {@link #size} readers are being answered already
     */
    public void serve(Answer answer) throws IOException {
        if (!readers.tryAcquire()) {
            throw ServingException.of(ServingException.Kind.BUSY, "the server is answering " + size + " requests for"
                    + " the models page and /api/models at once (a quarter of the requests it serves at once, so"
                    + " that the rest stay free for predictions); retry in 1 s", List.of(WebConfig.MAX_CONCURRENT_REQUESTS));
        }
        try {
            answer.serve();
        } finally {
            readers.release();
        }
    }
}
