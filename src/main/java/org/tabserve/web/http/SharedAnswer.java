package org.tabserve.web.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.tabserve.serving.budget.MemoryBudget;

/**
 * An answer about every served model (the models page, {@code /api/models}) built once for all the requests that ask
 * at the same time, as encoded bytes each of them writes, instead of once per request: at 250 models one build is
 * about a megabyte and most of a second of CPU, so that 64 readers at once each building their own took the server's
 * cores for two minutes and its heap to the edge (issue 47).
 *
 * <p>A request that arrives while a build is under way, or waits to start, shares that build. A build starts no
 * sooner than {@link #PAUSE_PER_BUILD} times the last build's duration after it ended, and no later than
 * {@link #MAX_PAUSE_NANOS}: however many readers come one after the other, builds take at most a fifth of a core
 * while one takes up to a quarter of a second, and one a second (after their own time) beyond. A request that
 * arrives in that pause waits for the next build, so that every answer is newer than its request, or than a build
 * that began at most one build's time before it (a small deployment's builds take milliseconds, and its answers are as
 * fresh as before). Each build holds a share of the {@link MemoryBudget} sized before it starts (503 with
 * {@code Retry-After} when there is no room in time); once built, it keeps of that share only its answer's size, while
 * its readers write that one copy, and gives that back when the last of them is done: so readers who take their
 * answers slowly (each of a build of its own, a second apart) hold the budget as long as they hold the bytes, and past
 * it the next build waits or gets its 503, instead of the heap filling with their copies (issue 61). Nothing is kept
 * once written, so that the budget a large request may take whole is not narrowed by a dashboard read long ago (a
 * body that alone needs more than the budget gets its 413, not a 503).
 *
 * <p>Threading: safe for concurrent use; a build runs on the thread of the request that started it, outside the lock.
 */
public final class SharedAnswer {

    /** The pause after a build before the next may start, in units of that build's duration... */
    static final int PAUSE_PER_BUILD = 4;
    /** ...but at most this long, so that a slow build (a cold JVM's first) does not keep the readers waiting long. */
    static final long MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The pause after a build that failed (no room in the budget, say), so that readers do not retry it at once. */
    static final long PAUSE_AFTER_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** What a build may hold while it builds, as a multiple of the last answer's size. */
    static final int BUILD_BYTES_PER_ANSWER_BYTE = 3;
    /** A build's buffer starts an eighth past the last answer's size, so that it seldom grows (a copy each time). */
    static final int BUFFER_SLACK_DIVISOR = 8;

    /** Writes the answer's bytes. */
    public interface Builder {
        void build(OutputStream out) throws IOException;
    }

    /** Writes the built answer to one request's response. */
    public interface Writer {
        void write(Answer answer) throws IOException;
    }

    /**
     * A built answer: the first {@code length} bytes of {@code bytes}, the buffer it was built in (no copy), which its
     * readers write and never change.
     */
    public record Answer(byte[] bytes, int length) {

        /** Writes the answer's bytes to {@code out}. */
        public void writeTo(OutputStream out) throws IOException {
            out.write(bytes, 0, length);
        }
    }

    /** The buffer a build writes in, handed to its readers as it is. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        Answer answer() {
            return new Answer(buf, count);
        }
    }

    /** One build, and what it holds of the budget while its readers write it. */
    private static final class Build {
        final CompletableFuture<Answer> answer = new CompletableFuture<>();
        MemoryBudget.Reservation held; // guarded by the SharedAnswer: the answer's size, once built
        int writers; // guarded by the SharedAnswer: the requests that share it and have not yet written it
    }

    private final MemoryBudget budget;
    private final String what;
    private final LongSupplier nanoClock;
    private Build next; // guarded by this: the build that requests arriving now share
    private long nextStart; // guarded by this: when it may start, on nanoClock's scale
    private long lastSize; // guarded by this

    /** @param what the answer, for a refusal's words ("the models page") */
    public SharedAnswer(MemoryBudget budget, String what) {
        this(budget, what, System::nanoTime);
    }

    SharedAnswer(MemoryBudget budget, String what, LongSupplier nanoClock) {
        this.budget = budget;
        this.what = what;
        this.nanoClock = nanoClock;
        this.nextStart = nanoClock.getAsLong();
    }

    /**
     * Writes the answer with {@code writer}, built by {@code builder} unless a build other requests share is under way
     * or waiting to start; its bytes stay in the budget until the last request that shares them has written them.
     *
     * @param estimate what a first build may hold, in bytes; later builds hold {@link #BUILD_BYTES_PER_ANSWER_BYTE}
     *                 times the last answer's size when that is more
     * @throws org.tabserve.serving.budget.ServingException BUSY (503, {@code Retry-After}) when the budget has no
     *                                                      room for the build in time, to every request that shared it
     */
    public void write(long estimate, Builder builder, Writer writer) throws IOException {
        Build shared;
        long start;
        long bytes;
        int buffer;
        synchronized (this) {
            if (next != null) {
                shared = next;
                start = Long.MIN_VALUE;
                bytes = 0;
                buffer = 0;
            } else {
                shared = next = new Build();
                start = nextStart;
                bytes = Math.max(estimate, BUILD_BYTES_PER_ANSWER_BYTE * lastSize);
                buffer = (int) Math.min(Integer.MAX_VALUE - 8, lastSize + lastSize / BUFFER_SLACK_DIVISOR + 8192);
            }
            shared.writers++;
        }
        try {
            writer.write(start == Long.MIN_VALUE ? join(shared.answer) : build(shared, start, bytes, buffer, builder));
        } finally {
            synchronized (this) {
                if (--shared.writers == 0 && shared.held != null) {
                    shared.held.close();
                    shared.held = null;
                }
            }
        }
    }

    private Answer build(Build shared, long start, long bytes, int buffer, Builder builder) throws IOException {
        MemoryBudget.Reservation held = budget.open();
        long began = 0;
        try {
            long wait = start - nanoClock.getAsLong();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // the requests that arrive meanwhile share this build
            }
            began = nanoClock.getAsLong();
            held.growForAnswer(bytes, what);
            Buffer out = new Buffer(buffer);
            builder.build(out);
            Answer answer = out.answer();
            synchronized (this) {
                long ended = nanoClock.getAsLong();
                nextStart = ended + Math.min(MAX_PAUSE_NANOS, PAUSE_PER_BUILD * (ended - began));
                lastSize = answer.length();
                next = null; // from now, a request that arrives waits for the next build
                held.shrinkTo(answer.bytes().length); // kept while its readers write it
                shared.held = held;
            }
            shared.answer.complete(answer);
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            IOException failure = new IOException("interrupted while waiting to build " + what, e);
            failed(held, shared, failure);
            throw failure;
        } catch (IOException | RuntimeException | Error e) {
            failed(held, shared, e);
            throw e;
        }
    }

    private void failed(MemoryBudget.Reservation held, Build shared, Throwable e) {
        held.close();
        synchronized (this) {
            if (next == shared) {
                next = null;
            }
            nextStart = nanoClock.getAsLong() + PAUSE_AFTER_FAILURE_NANOS;
        }
        shared.answer.completeExceptionally(e);
    }

    private static Answer join(CompletableFuture<Answer> shared) throws IOException {
        try {
            return shared.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure; // the builder's refusal (503, say), answered to each request that shared it
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw new IOException("building the shared answer failed", e.getCause());
        }
    }
}
