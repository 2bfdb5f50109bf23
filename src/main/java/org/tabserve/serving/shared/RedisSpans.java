package org.tabserve.serving.shared;

import org.tabserve.model.answer.AnswerTrace;

/**
 * The trace's client span of one round trip to the shared store, after OpenTelemetry's conventions for Redis: named
 * by its command ({@code EVALSHA}, or {@code BATCH EVALSHA} for a pipeline of several), with the system, the command,
 * the database's index, the host and port, and a batch's size; never a key (which holds a request's id), an argument
 * (which holds its answer or its label) or the password.
 */
final class RedisSpans {

    private final String host;
    private final int port;
    private final String database;

    RedisSpans(RedisAddress address) {
        this.host = address.host();
        this.port = address.port();
        this.database = Integer.toString(address.database());
    }

    /**
     * Starts the span of one round trip of {@code calls} script calls, under {@code trace}'s request: none when it is
     * not sampled.
     */
    AnswerTrace.Stage evalsha(AnswerTrace trace, int calls) {
        if (trace.traceId() == null) {
            return AnswerTrace.Stage.NONE;
        }
        String operation = calls == 1 ? "EVALSHA" : "BATCH EVALSHA";
        AnswerTrace.Stage span = trace.call(operation)
                .attribute("db.system.name", "redis")
                .attribute("db.operation.name", operation)
                .attribute("db.namespace", database)
                .attribute("server.address", host)
                .attribute("server.port", port);
        return calls == 1 ? span : span.attribute("db.operation.batch.size", calls);
    }

    /** Marks a round trip's span as failed, with the failure's type (never its message, which may quote a key). */
    static void failed(AnswerTrace.Stage span, Exception e) {
        span.attribute("error.type", e.getClass().getName()).failed(e.getClass().getSimpleName());
    }
}
