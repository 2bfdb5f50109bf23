package org.tabserve.testing;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.tabserve.launcher.TabserveServer;

/** The plaintext gRPC channel the tests open to a tabserve (in-process or a process), and how a test class closes it with its in-process server. */
public final class GrpcChannels {

    private GrpcChannels() {}

    /** A channel to {@code server}'s port, speaking HTTP/2 cleartext with prior knowledge, as java -jar serves it. */
    public static ManagedChannel to(RunningServer server) {
        return Grpc.newChannelBuilderForAddress(
                        server.uri().getHost(), server.uri().getPort(), InsecureChannelCredentials.create())
                .build();
    }

    /** Shuts {@code channel} down, then stops {@code server}; either may be null (a start that failed half-way). */
    public static void close(ManagedChannel channel, TabserveServer server) throws InterruptedException {
        try {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
