package org.tabserve.model;

import java.util.Objects;

/**
 * Which engine computes a model's answers, said on its page and in {@code /api/model}: ONNX Runtime, or for small
 * batches the model's graph evaluated in plain Java after it gave ONNX Runtime's answers on the rows it was checked on.
 *
 * @param name {@link #ONNX_RUNTIME} or {@link #PLAIN_JAVA}
 * @param note why, in one sentence: how the plain graph was checked, or why ONNX Runtime runs the model
 */
public record Engine(String name, String note) {

    /** Every answer from ONNX Runtime. */
    public static final String ONNX_RUNTIME = "ONNX Runtime";

    /** Single rows and small batches from the graph evaluated in plain Java; larger batches from ONNX Runtime. */
    public static final String PLAIN_JAVA = "plain Java";

    /** The system property (or environment variable {@code TABSERVE_ENGINE}) that forces ONNX Runtime. */
    public static final String SETTING = "tabserve.engine";

    public Engine {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(note, "note");
    }

    /** @return ONNX Runtime, for the given reason */
    public static Engine onnxRuntime(String why) {
        return new Engine(ONNX_RUNTIME, why);
    }
}
