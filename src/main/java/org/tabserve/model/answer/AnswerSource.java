package org.tabserve.model.answer;

/**
 * The values of an answer's request-level part ({@link RequestField}): which model gave it, which version of it, from
 * which file, on which engine, for which request, in which trace.
 *
 * @param model        the model's name
 * @param version      the version that answered
 * @param sha256       the served model file's SHA-256, in lower-case hex
 * @param engine       which engine computed the answers ({@code plain Java} or {@code ONNX Runtime})
 * @param requestId    the request's id, or null where the answer has none (the commands, Spark)
 * @param versionShown whether the answer's body names the version: a request a canary rollout chose the version for,
 *                     which either version may answer
 * @param traceId      the id of the request's trace while the server traces it and sampled it, else null
 */
public record AnswerSource(
        String model,
        long version,
        String sha256,
        String engine,
        String requestId,
        boolean versionShown,
        String traceId) {

    /** An answer's values for a request that is not traced. */
    public AnswerSource(
            String model, long version, String sha256, String engine, String requestId, boolean versionShown) {
        this(model, version, sha256, engine, requestId, versionShown, null);
    }
}
