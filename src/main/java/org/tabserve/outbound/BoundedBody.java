package org.tabserve.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A JDK HTTP client's body handler that keeps at most {@code maxBytes} of an answer, counting each part that arrives
 * into its {@link OutboundRead} (so that its rate is judged while the body trickles) and failing the answer, its
 * connection let go, once the read is abandoned or the body is larger. Pair it with {@link ReadBound#await}.
 */
public final class BoundedBody implements HttpResponse.BodyHandler<byte[]> {

    private final OutboundRead read;
    private final int maxBytes;
    private final String what;

    /**
     * @param what the answer in words, for the error past {@code maxBytes}
     */
    public BoundedBody(OutboundRead read, int maxBytes, String what) {
        this.read = read;
        this.maxBytes = maxBytes;
        this.what = what;
    }

    @Override
    public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
        read.answered();
        return new Subscriber();
    }

    private final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> parts) {
            for (ByteBuffer part : parts) {
                int n = part.remaining();
                read.arrived(n);
                if (kept.size() + (long) n > maxBytes) {
                    fail(new IOException(what + " answered more than " + maxBytes + " bytes"));
                    return;
                }
                byte[] bytes = new byte[n];
                part.get(bytes);
                kept.writeBytes(bytes);
            }
            try {
                read.check();
            } catch (ReadAbandoned e) {
                fail(e);
                return;
            }
            subscription.request(1);
        }

        private void fail(IOException e) {
            subscription.cancel();
            body.completeExceptionally(e);
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(kept.toByteArray());
        }
    }
}
