package org.tabserve.model;

import java.util.Objects;

/**
 * Which engine computes a model's answers, said on its page and in {@code /api/model}: ONNX Runtime, or for batches of
 * every size the model's graph evaluated in plain Java after it gave ONNX Runtime's answers on the rows it was checked
 * on. One engine per model, never per batch size, so that a row's answer has the same bits in any batch.
 *
 * @param name {@link #ONNX_RUNTIME} or {@link #PLAIN_JAVA}
 * @param note why, in one sentence: how the plain graph was checked, or why ONNX Runtime runs the model
 */
public record Engine(String name, String note) {

    /** Every answer from ONNX Runtime. */
    public static final String ONNX_RUNTIME = "ONNX Runtime";

    /** Every batch from the graph evaluated in plain Java. */
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
