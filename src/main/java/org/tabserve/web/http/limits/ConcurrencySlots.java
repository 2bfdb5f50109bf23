package org.tabserve.web.http.limits;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.WebConfig;

/**
 * The concurrency limit's slots, apart from the servlet API: at most {@code limit} requests at once, of which at most
 * {@code uploadLimit} uploads, so that the other slots stay free for small requests however many uploads arrive and
 * however slowly their bodies come. A request that finds no slot is refused at once, never queued.
 */
final class ConcurrencySlots {

    /** Seconds a refused client is asked to wait. */
    static final String RETRY_AFTER = "1";

    private final Semaphore all;
    private final Semaphore uploads;
    private final int limit;
    private final int uploadLimit;

    ConcurrencySlots(int limit, int uploadLimit) {
        if (limit < 1 || uploadLimit < 1 || uploadLimit > limit) {
            throw new IllegalArgumentException("need 1 <= uploads (" + uploadLimit + ") <= requests (" + limit + ")");
        }
        this.all = new Semaphore(limit);
        this.uploads = new Semaphore(uploadLimit);
        this.limit = limit;
        this.uploadLimit = uploadLimit;
    }

    /**
     * Takes a slot, and for an upload one of the uploads' share too.
     *
     * @return null when taken (give it back with {@link #release}), else the 503 to answer
     */
    HttpProblem take(boolean upload) {
        if (upload && !uploads.tryAcquire()) {
            // Its body is left unread, so the connection cannot carry another request.
            return new HttpProblem(
                    503,
                    "Service unavailable",
                    "the server is busy with " + uploadLimit + " uploads"
                            + " (multipart, chunked or large bodies; setting " + WebConfig.MAX_CONCURRENT_UPLOADS
                            + "); retry in " + RETRY_AFTER + " s",
                    List.of(),
                    Map.of("Retry-After", RETRY_AFTER, "Connection", "close"));
        }
        if (!all.tryAcquire()) {
            if (upload) {
                uploads.release();
            }
            return new HttpProblem(
                    503,
                    "Service unavailable",
                    "the server is busy with " + limit + " requests" + " (setting " + WebConfig.MAX_CONCURRENT_REQUESTS
                            + "); retry in " + RETRY_AFTER + " s",
                    List.of(),
                    Map.of("Retry-After", RETRY_AFTER));
        }
        return null;
    }

    /** Gives back a slot {@link #take} gave. */
    void release(boolean upload) {
        all.release();
        if (upload) {
            uploads.release();
        }
    }
}
