package org.tabserve.model.answer;

/**
 * How a request that waits for its answer to be computed on another thread notices that its client no longer wants
 * it, so that the work can stop: a REST client that hung up ({@code web.http.AnswerKeepAlive}), a gRPC call cancelled or past
 * its deadline. Asked on the request's own thread, every fraction of a second while it waits (the explanation
 * pool's {@code CHECK_EVERY}).
 */
@FunctionalInterface
public interface ClientWatch {

    /** A watch that never sees the client go: for work bounded small enough to finish anyway (the form's one row). */
    ClientWatch NONE = () -> false;

    /** @return whether the client has gone */
    boolean gone();

    /** @return how the client was seen to go (a failed write), once {@link #gone} has said so; null when unknown */
    default Throwable howGone() {
        return null;
    }
}
