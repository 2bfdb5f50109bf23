package org.tabserve.serving.shared;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * Jedis's sockets held to {@link RedisDeadline}: each socket its own factory connects (TLS too) is handed to Jedis
 * wrapped, so that every read within a call waits at most what is left of the call's deadline and counts its bytes,
 * and the call's watch can close the socket it uses (a write to a Redis that stopped reading, a read it holds).
 */
final class DeadlineSockets implements JedisSocketFactory {

    private final DefaultJedisSocketFactory connect;
    private final RedisDeadline deadline;

    DeadlineSockets(DefaultJedisSocketFactory connect, RedisDeadline deadline) {
        this.connect = connect;
        this.deadline = deadline;
    }

    /**
     * @return the pooled client of the store at {@code address}: 16 connections, each call's wait for one, its
     *         connecting and its reads held to {@code deadline}
     */
    static RedisClient client(RedisAddress address, RedisDeadline deadline) {
        Duration total = deadline.deadline();
        int millis = (int) Math.min(Integer.MAX_VALUE, total.toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .database(address.database())
                .ssl(address.tls())
                .clientName("tabserve");
        if (address.password() != null) {
            config.user(address.user()).password(address.password());
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(16);
        pool.setMaxIdle(16);
        pool.setMaxWait(total);
        pool.setBlockWhenExhausted(true);
        pool.setJmxEnabled(false);
        JedisClientConfig clientConfig = config.build();
        HostAndPort hostAndPort = new HostAndPort(address.host(), address.port());
        DeadlineSockets sockets =
                new DeadlineSockets(new DefaultJedisSocketFactory(hostAndPort, clientConfig), deadline);
        // The client asks Redis for its protocol as it is built: that call is held to the deadline too (a failure
        // there is the client's to catch; the store is used as it answers).
        try (RedisDeadline.Call call = deadline.begin()) {
            return RedisClient.builder()
                    .hostAndPort(hostAndPort)
                    .clientConfig(clientConfig)
                    .connectionProvider(
                            new PooledConnectionProvider(new ConnectionFactory(sockets, clientConfig), pool))
                    .build();
        }
    }

    @Override
    public Socket createSocket() throws JedisConnectionException {
        return new Held(connect.createSocket());
    }

    @Override
    public String toString() {
        return connect.toString();
    }

    /** A connected socket whose streams go through the deadline of the call on the thread that uses them. */
    private final class Held extends Socket {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Held(Socket socket) {
            this.socket = socket;
            try {
                this.in = socket.getInputStream();
                this.out = socket.getOutputStream();
            } catch (IOException e) {
                closeQuietly(socket);
                throw new JedisConnectionException(e);
            }
        }

        @Override
        public InputStream getInputStream() {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    RedisDeadline.Call call = deadline.current();
                    if (call == null) {
                        return in.read(buffer, offset, length); // outside a call: the per-read timeout alone
                    }
                    call.using(socket);
                    int n;
                    try {
                        call.read.check();
                        socket.setSoTimeout(call.millisLeft());
                        n = in.read(buffer, offset, length);
                    } catch (IOException e) {
                        throw call.failed(e);
                    }
                    call.read.arrived(n);
                    return n;
                }
            };
        }

        @Override
        public OutputStream getOutputStream() {
            return new FilterOutputStream(out) {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] buffer, int offset, int length) throws IOException {
                    RedisDeadline.Call call = deadline.current();
                    if (call == null) {
                        out.write(buffer, offset, length);
                        return;
                    }
                    call.using(socket);
                    try {
                        call.read.check();
                        out.write(buffer, offset, length);
                    } catch (IOException e) {
                        throw call.failed(e);
                    }
                }

                @Override
                public void flush() throws IOException {
                    RedisDeadline.Call call = deadline.current();
                    try {
                        out.flush();
                    } catch (IOException e) {
                        throw call == null ? e : call.failed(e);
                    }
                }
            };
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public synchronized int getSoTimeout() throws SocketException {
            return socket.getSoTimeout();
        }

        @Override
        public synchronized void close() throws IOException {
            socket.close();
        }

        @Override
        public boolean isConnected() {
            return socket.isConnected();
        }

        @Override
        public boolean isBound() {
            return socket.isBound();
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public boolean isInputShutdown() {
            return socket.isInputShutdown();
        }

        @Override
        public boolean isOutputShutdown() {
            return socket.isOutputShutdown();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return socket.getRemoteSocketAddress();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return socket.getLocalSocketAddress();
        }

        @Override
        public String toString() {
            return socket.toString();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // it is being given up
        }
    }
}
