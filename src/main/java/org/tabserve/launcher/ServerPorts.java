package org.tabserve.launcher;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.tabserve.launcher.guard.Http2HeaderLimit;
import org.tabserve.launcher.tls.TlsConnectors;

/**
 * The launcher's connectors, each with the launcher's bounds: {@code --port} (HTTP/1.1 and HTTP/2 cleartext, on the
 * server's shared pool, of which requests may hold all but {@link #HEADROOM_THREADS} threads),
 * {@code --grpc-port} (HTTP/2 only, threads of its own) and
 * {@code --probe-port} (health probes only, threads and a selector of its own).
 */
final class ServerPorts {

    /**
     * On shutdown, how long a request's body may go on arriving, however fast ({@code MinimumBodyRate}), and how long
     * clients may take none of the answers' last bytes before the stop gives up on them ({@code DeliveredBeforeExit}).
     */
    static final Duration SHUTDOWN_IDLE_TIMEOUT = Duration.ofSeconds(5);
    /**
     * On shutdown, how long a connection may stay silent before it is closed (idle or in the middle of a request).
     * Jetty closes a kept-alive one in two such steps (its output shut, then as long again for the client to close),
     * so a client that never reads its answer held the stop for two: 3 s, not 5, keeps the whole stop after the 5 s
     * drain inside the 10 s {@code docker stop} gives (about 8.5 s).
     */
    static final Duration SHUTDOWN_SILENCE = Duration.ofSeconds(3);
    /** The name of the connector of {@code --grpc-port}. */
    static final String GRPC = "grpc";
    /** The name of the connector of {@code --probe-port}. */
    static final String PROBES = "probes";
    /**
     * The context attribute the web app reads the address it listens on from ({@code ContextAttributes.LAUNCHER_HOST}),
     * so that a server that asks no credential says when the network can reach it.
     */
    static final String HOST = "tabserve.launcher.host";
    /**
     * Most threads of {@code --probe-port}'s pool: its acceptor and selector, and the probes the web app answers
     * itself (not ready, draining), which take a few milliseconds each.
     */
    static final int PROBE_THREADS = 8;
    /**
     * Threads of the shared pool that the requests in hand on it never hold all of: left for accepting connections,
     * reading and parsing requests' heads and answering probes ({@link ProbeAnswers}), each a few microseconds' work
     * that never waits.
     */
    static final int HEADROOM_THREADS = 8;

    private ServerPorts() {}

    /**
     * Adds the connectors {@code options} ask for to {@code server}.
     *
     * @throws IllegalArgumentException in words, for TLS files that cannot serve ({@link TlsConnectors#context})
     */
    static void open(Server server, LauncherOptions options) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(options.maxHeaderBytes());
        // No per-connection cache of header fields: Jetty's is a trie of 1024 rows, 96 KB of char[] on every kept-alive
        // HTTP/1.1 connection, so that a thousand connections filled a 128 MB heap and the JVM did little but full
        // collections (probes took seconds). Header values are parsed afresh instead, a few small strings a request.
        http.setHeaderCacheSize(0);
        // With --tls-cert, --port and --grpc-port speak TLS: HTTP/1.1 and h2 by ALPN, gRPC over h2 as in cleartext;
        // --probe-port stays cleartext, for probes that carry no certificate.
        Optional<SslContextFactory.Server> tls =
                options.tls().map(files -> TlsConnectors.context(files.cert(), files.key(), files.clientCa()));
        HttpConfiguration served = http;
        if (tls.isPresent()) {
            served = new HttpConfiguration(http);
            TlsConnectors.secure(served);
        }
        // HTTP/1.1, and HTTP/2 cleartext on the same port for the gRPC service: clients speak it with prior knowledge
        // (the HTTP/1.1 connection sees HTTP/2's preface and hands over); an Upgrade: h2c request stays HTTP/1.1.
        // Its HPACK decoder takes header blocks up to a cap past the limit, for Http2HeaderLimit to refuse one stream
        // with 431 where the decoder would end the connection and every call on it.
        listen(
                server,
                options,
                options.port(),
                null,
                -1,
                tls.isPresent()
                        ? TlsConnectors.https(
                                tls.get(),
                                served,
                                streamLimited(
                                        new HTTP2ServerConnectionFactory(Http2HeaderLimit.http2Configuration(served)),
                                        options))
                        : new ConnectionFactory[] {
                            new HttpConnectionFactory(http),
                            streamLimited(new PriorKnowledgeH2c(Http2HeaderLimit.http2Configuration(http)), options)
                        });
        // --grpc-port: HTTP/2 alone, on a thread pool without reserved threads. Over TLS on the shared port, a call of
        // a client that sends one at a time passes through three threads and re-arms the connection's interest through
        // the selector's wake-up (Jetty hands the selecting over to a reserved thread, as HTTP/1.1 wants); without them
        // the selector reads the frames, hands the call to one thread and selects again itself
        // (bench/RESULTS.notes.md, "Issue 38, goal 4"), as the shared port does in cleartext (SelectorReadsH2).
        // Every bound of the shared port applies here too.
        if (options.grpcPort().isPresent()) {
            QueuedThreadPool threads = new QueuedThreadPool();
            threads.setName("tabserve-grpc");
            threads.setReservedThreads(0);
            listen(
                            server,
                            options,
                            options.grpcPort().getAsInt(),
                            threads,
                            -1,
                            tls.isPresent()
                                    ? TlsConnectors.h2Only(
                                            tls.get(),
                                            streamLimited(
                                                    new HTTP2ServerConnectionFactory(
                                                            Http2HeaderLimit.http2Configuration(served)),
                                                    options))
                                    : new ConnectionFactory[] {
                                        streamLimited(
                                                new HTTP2CServerConnectionFactory(
                                                        Http2HeaderLimit.http2Configuration(http)),
                                                options)
                                    })
                    .setName(GRPC);
        }
        // --probe-port: health probes alone (ProbeAnswers refuses every other path there), with an acceptor, a
        // selector and a few threads that no client of the main port keeps busy. Under overload a probe on the main
        // port waits twice in the queue of the shared pool (Jetty makes a new connection's endpoint on a pool thread,
        // then reads its request on another) behind every request queued before it (bench/probes); here the threads
        // sleep until a probe comes, and the kernel runs a thread that wakes from sleep ahead of those that have been
        // running.
        if (options.probePort().isPresent()) {
            QueuedThreadPool threads = new QueuedThreadPool(PROBE_THREADS, 2);
            threads.setName("tabserve-probes");
            threads.setReservedThreads(0);
            listen(server, options, options.probePort().getAsInt(), threads, 1, new HttpConnectionFactory(http))
                    .setName(PROBES);
        }
    }

    /**
     * {@code handler} behind a bound on the requests in hand on the shared pool's port ({@code --port}; not probes):
     * the pool's threads less the acceptors' and selectors' and {@link #HEADROOM_THREADS} ({@link Headroom}).
     *
     * @param server  a server whose connectors {@link #open} added
     * @param handler what the bounded requests go on to
     */
    static Headroom headroomKept(Server server, Handler handler) {
        ThreadPool.SizedThreadPool shared = (ThreadPool.SizedThreadPool) server.getThreadPool();
        int held = 0;
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector listening && listening.getExecutor() == shared) {
                held += listening.getAcceptors()
                        + listening.getSelectorManager().getSelectorCount();
            }
        }
        return new Headroom(Math.max(1, shared.getMaxThreads() - held - HEADROOM_THREADS), shared, handler);
    }

    /**
     * Keeps {@link #HEADROOM_THREADS} of the shared pool's threads from request work, by bounding the requests in
     * hand on the connectors that run on it. Jetty accepts a connection and reads a request's head on the pool's
     * threads, and runs the request on the thread that read its head; before this, requests that held every thread
     * (bodies trickling in, answers read slowly, model work) left a probe on {@code --port} in the pool's queue behind
     * every task queued before it, with no thread to even read it (issue 61, finding 10: up to 4.2 s at 1,000
     * connections and 300 slow clients). A request past the bound waits here, holding no thread, and is handed to the
     * pool in turn as one in hand ends, with no bound on the waiting and no timeout, as it waited in the pool's queue
     * before: the bound refuses nothing. A request in hand holds at most one thread at a time, so requests never hold
     * more threads than the bound, and the headroom always has threads to read the next request's head and to answer
     * a probe ({@link ProbeAnswers}, ahead of this; a probe the app answers is not counted either). Jetty's own
     * {@code QoSHandler} does the same, but a request that ends spins while another is half-way into its queue, which
     * on a busy machine with few cores (the case here) burns the rest of a time slice; this one takes a lock.
     */
    static final class Headroom extends Handler.Wrapper {

        private final int bound;
        private final Executor shared;
        private final Object lock = new Object();
        /** Requests in hand, counted here. Guarded by {@link #lock}. */
        private int inHand;
        /** Requests past the bound, in the order they came. Guarded by {@link #lock}. */
        private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

        /**
         * @param bound  most requests in hand at once
         * @param shared the pool whose connectors' requests are counted, on which a waiting request is handled
         */
        Headroom(int bound, Executor shared, Handler handler) {
            super(handler);
            this.bound = bound;
            this.shared = shared;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (request.getConnectionMetaData().getConnector().getExecutor() != shared
                    || ProbeBodies.isProbe(request.getHttpURI().getPath())) {
                return super.handle(request, response, callback);
            }
            synchronized (lock) {
                if (inHand >= bound) {
                    waiting.add(new Waiting(request, response, callback));
                    return true;
                }
                inHand++;
            }
            Request.addCompletionListener(request, ended -> release());
            return super.handle(request, response, callback);
        }

        /** Most requests in hand at once. */
        int bound() {
            return bound;
        }

        /** Requests waiting past the bound now. */
        int waiting() {
            synchronized (lock) {
                return waiting.size();
            }
        }

        /** A request in hand has ended: its place goes to the first that waits, or is given back. */
        private void release() {
            while (true) {
                Waiting next;
                synchronized (lock) {
                    next = waiting.poll();
                    if (next == null) {
                        inHand--;
                        return;
                    }
                }
                try {
                    shared.execute(next);
                    return;
                } catch (RejectedExecutionException stopping) {
                    next.callback.failed(stopping); // the pool has stopped: its place goes to the next
                }
            }
        }

        /** A request past the bound, handled on the pool once a place is free. */
        private final class Waiting implements Runnable {
            private final Request request;
            private final Response response;
            private final Callback callback;

            Waiting(Request request, Response response, Callback callback) {
                this.request = request;
                this.response = response;
                this.callback = callback;
            }

            @Override
            public void run() {
                Request.addCompletionListener(request, ended -> release());
                try {
                    if (!Headroom.super.handle(request, response, callback)) {
                        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                    }
                } catch (Throwable failure) {
                    callback.failed(failure);
                }
            }
        }
    }

    /** The connector named {@code name} ({@link #GRPC}, {@link #PROBES}), or empty without one. */
    static Optional<ServerConnector> named(Server server, String name) {
        for (Connector connector : server.getConnectors()) {
            if (name.equals(connector.getName()) && connector instanceof ServerConnector listening) {
                return Optional.of(listening);
            }
        }
        return Optional.empty();
    }

    /**
     * A connector on {@code port} with the launcher's bounds ({@link SelectorReadsH2}: HTTP/2 read on the selector), added to
     * the server.
     *
     * @param threads its own thread pool, or null for the server's
     * @param cores   its acceptors and selectors, each; -1 for Jetty's count from the machine's cores
     */
    private static ServerConnector listen(
            Server server,
            LauncherOptions options,
            int port,
            QueuedThreadPool threads,
            int cores,
            ConnectionFactory... factories) {
        ServerConnector connector = new SelectorReadsH2(server, threads, cores, factories);
        connector.setHost(options.host());
        connector.setPort(port);
        // A connection silent this long is closed, also half-way through its headers: slow-loris clients end here.
        connector.setIdleTimeout(options.idleTimeout().toMillis());
        // On SIGTERM, connections silent this long are closed: kept-alive idle ones, so that shutdown is quick, but
        // also a slow request in flight. Jetty's 1 s failed such requests; 3 s lets them pause as slow clients do.
        connector.setShutdownIdleTimeout(Math.min(options.idleTimeout().toMillis(), SHUTDOWN_SILENCE.toMillis()));
        server.addConnector(connector);
        return connector;
    }

    /**
     * Fewer streams per connection than the web app has concurrency slots: one connection, however many calls it
     * multiplexes, cannot take every slot (a client past it waits for a stream to end, as HTTP/2 clients do).
     */
    private static <F extends AbstractHTTP2ServerConnectionFactory> F streamLimited(
            F factory, LauncherOptions options) {
        factory.setMaxConcurrentStreams(options.maxConcurrentStreams());
        return factory;
    }
}
