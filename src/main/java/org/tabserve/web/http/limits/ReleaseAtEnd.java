package org.tabserve.web.http.limits;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * What an asynchronous request holds until it ends, however it ends: {@link #release()} runs when the container
 * completes it, times it out or fails it (perhaps more than once), and the listener stays on through a restarted async
 * cycle.
 */
public abstract class ReleaseAtEnd implements AsyncListener {

    /** Gives back what the request held. */
    public abstract void release();

    @Override
    public final void onComplete(AsyncEvent event) {
        release();
    }

    @Override
    public final void onTimeout(AsyncEvent event) {
        release();
    }

    @Override
    public final void onError(AsyncEvent event) {
        release();
    }

    @Override
    public final void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this);
    }
}
