package org.tabserve.model.onnx.graph;

/**
 * The bounds the graph reader checks from lengths on the wire before it decodes what they measure: a model past one is
 * refused with an {@link OnnxLimitException}.
 */
public final class OnnxLimits {

    /**
     * Longest text read from a model: a metadata key or value, a doc string, a name. No real card comes near (the
     * bundled model's largest value is 2 KB; a card of 16-bin histograms for a thousand features is under 1 MB), and
     * it keeps a value's string, ONNX Runtime's copy of it and its JSON tree within a 128 MB heap.
     */
    public static final int MAX_TEXT_BYTES = 1 << 20;

    /**
     * Most bytes of metadata and descriptions read from a model in all: metadata_props keys and values, the model's
     * and the graph's doc strings, producer, domain and graph name, all of which ONNX Runtime's metadata call turns
     * into strings at once.
     */
    public static final int MAX_METADATA_BYTES = 4 << 20;

    /**
     * Most metadata_props entries read from a model (a card has about twenty): each costs a map entry and its strings
     * whatever its length, so under the byte budget alone a million distinct four-byte keys (an 8 MB file) filled a
     * 128 MB heap (bench/graph-parse, hostile-keys.onnx).
     */
    public static final int MAX_METADATA_ENTRIES = 10_000;

    private OnnxLimits() {}
}
