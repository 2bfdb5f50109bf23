package org.tabserve.model.answer;

/**
 * The stages of one answer, each timed as a child of its request's span when the server traces it (the
 * {@code otel.exporter.otlp.endpoint} setting, and the request sampled): reading the body, each chunk's model call,
 * the explanations, the coverage, the rollout's comparison, the answers kept for labels, the prediction log, the
 * answer's writing. {@link #NONE} when it does not, so that a stage costs nothing then. A stage's attributes are
 * counts, names and formats: never a value the request sent.
 */
public interface AnswerTrace {

    /** The stage of reading a request's body: its {@link #FORMAT}, {@link #BYTES} and, once read, {@link #ROWS}. */
    String READ = "tabserve.read";
    /** The stage of writing the answer: its {@link #FORMAT} and {@link #ROWS}. */
    String WRITE = "tabserve.write";
    /** The attribute of a body's or an answer's format ({@code json}, {@code csv}, {@code form}, {@code html}, ...). */
    String FORMAT = "tabserve.format";
    /** The attribute of a body's bytes, as its {@code Content-Length} says or as received (-1: not said). */
    String BYTES = "tabserve.bytes";
    /** The attribute of a stage's rows. */
    String ROWS = "tabserve.rows";

    /** No trace: what an untraced or unsampled request, the commands and Spark use. */
    AnswerTrace NONE = new Untraced();

    /**
     * No trace, whose stages cost nothing: {@link #NONE}'s kind, which a trace of a wider kind that is off too
     * (serving's request span when tracing is off) extends rather than spell the same nothing again.
     */
    class Untraced implements AnswerTrace {
        @Override
        public Stage stage(String name) {
            return Stage.NONE;
        }

        @Override
        public Stage call(String name) {
            return Stage.NONE;
        }

        @Override
        public String traceId() {
            return null;
        }
    }

    /**
     * Starts a stage now, as a child of the request's span (from any thread).
     *
     * @param name the stage's span name ({@code tabserve.model}, {@code tabserve.read}, ...)
     * @return the stage, to be closed when it ends
     */
    Stage stage(String name);

    /**
     * Starts a stage that is a call to another service (a Redis round trip), as a client span of the request's (from
     * any thread; it may end after the request's span).
     *
     * @param name the call's span name, after OpenTelemetry's conventions for its kind of service ({@code EVALSHA})
     */
    Stage call(String name);

    /**
     * Starts reading the request's body: {@link #READ}, with its format and bytes; set its {@link #ROWS} once read.
     *
     * @param format the body's format, a constant ({@code json}, {@code csv}, {@code form}): never built per request
     * @param bytes  the body's bytes as its {@code Content-Length} says, or as received; -1 when not said
     */
    default Stage read(String format, long bytes) {
        return stage(READ).attribute(FORMAT, format).attribute(BYTES, bytes);
    }

    /**
     * Starts writing the answer: {@link #WRITE}, with its format and rows.
     *
     * @param format the answer's format, a constant ({@code json}, {@code html}, {@code arrow})
     */
    default Stage write(String format, long rows) {
        return stage(WRITE).attribute(FORMAT, format).attribute(ROWS, rows);
    }

    /** @return the trace's id (32 lower-case hex digits) while the request is sampled, else null */
    String traceId();

    /** One stage of an answer, ended by {@link #close()}. */
    interface Stage extends AutoCloseable {

        /** No stage: what {@link AnswerTrace#NONE} starts. */
        Stage NONE = new Stage() {
            @Override
            public Stage attribute(String key, String value) {
                return this;
            }

            @Override
            public Stage attribute(String key, long value) {
                return this;
            }

            @Override
            public void failed(String why) {}

            @Override
            public void close() {}
        };

        /** Sets an attribute: a name, a format, a role; never a value a request sent. */
        Stage attribute(String key, String value);

        /** Sets a count's or a size's attribute. */
        Stage attribute(String key, long value);

        /** Marks the stage as failed, with {@code why} (a problem's title, an exception's type): no request value. */
        void failed(String why);

        /**
         * Ends the stage; a second close changes nothing (a stage its owner ends early is closed again by the
         * try-with-resources that guards its failures).
         */
        @Override
        void close();
    }
}
