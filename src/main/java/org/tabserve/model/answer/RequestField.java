package org.tabserve.model.answer;

/**
 * The request-level fields of every answer, described once: each with its key (a JSON answer's, a protocol's
 * parameter, {@code tabserve.KEY} in an Arrow or Parquet schema's metadata, a key of the prediction log's line), its
 * HTTP header on every answer that scores, and whether an answer's body carries it. A writer loops over
 * {@link #values()}: a new request-level field is one constant here and one value in {@link AnswerSource}.
 */
public enum RequestField {
    /** The model's name: in the header-less protocols' own fields, never repeated in a body. */
    MODEL_NAME("model_name", null),
    /** The version that answered: {@code X-Model-Version} on every answer; in the body under a canary. */
    MODEL_VERSION("model_version", "X-Model-Version"),
    /** The SHA-256 of the served model file, in every answer: which exact model gave it (provenance). */
    MODEL_SHA256("model_sha256", "Tabserve-Model-Sha256"),
    /** The engine that computed the answers: known to the metrics and the model's page, not written per answer. */
    ENGINE("engine", null),
    /** The request's id: answered as the caller's {@code X-Request-Id} header is, by the request's route. */
    REQUEST_ID("request_id", null),
    /**
     * The id of the request's trace, in the body while the server traces the request and sampled it (its span's
     * {@code traceparent} header is on every traced answer, sampled or not).
     */
    TRACE_ID("trace_id", null);

    /** The prefix of a request-level field's key in an Arrow or Parquet answer's schema metadata. */
    public static final String METADATA_PREFIX = "tabserve.";

    private final String key;
    private final String header;

    RequestField(String key, String header) {
        this.key = key;
        this.header = header;
    }

    /** @return the field's key */
    public String key() {
        return key;
    }

    /** @return the HTTP header every scoring answer carries it in, or null for none */
    public String header() {
        return header;
    }

    /** @return the type of its {@link #value}: text, or a whole number for the version */
    public FieldType type() {
        return switch (this) {
            case MODEL_NAME, MODEL_SHA256, ENGINE, REQUEST_ID, TRACE_ID -> FieldType.TEXT;
            case MODEL_VERSION -> FieldType.WHOLE;
        };
    }

    /** @return the field's value in {@code source}: text, or a whole number for the version */
    public Object value(AnswerSource source) {
        return switch (this) {
            case MODEL_NAME -> source.model();
            case MODEL_VERSION -> source.version();
            case MODEL_SHA256 -> source.sha256();
            case ENGINE -> source.engine();
            case REQUEST_ID -> source.requestId();
            case TRACE_ID -> source.traceId();
        };
    }

    /**
     * @return whether an answer's body carries it (a JSON answer's key, a protocol's parameter, a table's schema
     *         metadata, a prediction log's line, Spark's column metadata): the version only where the request let a
     *         canary choose it
     */
    public boolean inBody(AnswerSource source) {
        return switch (this) {
            case MODEL_NAME, ENGINE, REQUEST_ID -> false;
            case MODEL_VERSION -> source.versionShown();
            case MODEL_SHA256 -> true;
            case TRACE_ID -> source.traceId() != null;
        };
    }
}
