package org.tabserve.launcher;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * A connector whose HTTP/2 connections have their frames read by the selecting thread itself, as Jetty does when no
 * reserved thread is free, while HTTP/1.1 connections keep Jetty's choice.
 *
 * <p>Jetty marks an HTTP/2 connection's read as runnable either way ({@code EITHER}). With a reserved thread free,
 * the selector then hands the selecting over to it and reads the frames as blocking code, and HTTP/2 in turn hands
 * its production over to a second reserved thread while the first thread runs the call: a call of a client that sends
 * one at a time passes through three threads, and the connection's read interest is re-armed from a thread that is
 * not the selector's, through its wake-up (bench/RESULTS.md, "Issue 38, goal 4: where a gRPC call's thread hand-offs
 * come from"). Here the read runs in place on the selecting thread, in non-blocking mode: it parses the frames (HPACK
 * included, under the same limits) and hands each stream's call, which may block, to a pooled thread, then re-arms
 * the interest itself before selecting again: two threads a call. Nothing blocking ever runs on the selector, since
 * HTTP/2's strategy executes every blocking task when it is invoked non-blocking; that is the contract of
 * {@code EITHER}, and the path Jetty takes under load once the reserved threads are busy. An HTTP/1.1 connection
 * (and one upgraded from it to anything but HTTP/2, or under TLS, whose reads the TLS connection makes) is not
 * touched: it reads, answers and reads the next request on one thread, as before.
 */
final class SelectorReadsH2 extends ServerConnector {

    /**
     * @param threads   the connector's pool, or null for the server's
     * @param cores     its acceptors and selectors, each; -1 for Jetty's count from the machine's cores
     * @param factories the connector's protocols
     */
    SelectorReadsH2(Server server, Executor threads, int cores, ConnectionFactory... factories) {
        super(server, threads, null, null, cores, cores, factories);
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endPoint = new H2ReadsOnSelector(channel, selector, key, this);
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    /** An endpoint that has an HTTP/2 connection's reads run on the selecting thread, in non-blocking mode. */
    private static final class H2ReadsOnSelector extends SocketChannelEndPoint {

        H2ReadsOnSelector(
                SocketChannel channel, ManagedSelector selector, SelectionKey key, ServerConnector connector) {
            super(channel, selector, key, connector.getScheduler());
        }

        @Override
        public void fillInterested(Callback callback) {
            super.fillInterested(inPlace(callback));
        }

        @Override
        public boolean tryFillInterested(Callback callback) {
            return super.tryFillInterested(inPlace(callback));
        }

        private Callback inPlace(Callback callback) {
            return getConnection() instanceof HTTP2Connection
                            && callback.getInvocationType() == Invocable.InvocationType.EITHER
                    ? new NonBlockingRead(callback)
                    : callback;
        }
    }

    /** An HTTP/2 connection's read, run where the selector finds it, always in non-blocking mode. */
    private static final class NonBlockingRead implements Callback {

        private final Callback read;

        NonBlockingRead(Callback read) {
            this.read = read;
        }

        @Override
        public void succeeded() {
            Invocable.invokeNonBlocking(read::succeeded);
        }

        @Override
        public void failed(Throwable failure) {
            read.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
