package org.tabserve.model.onnx.graph;

/**
 * A model whose text (metadata, doc strings, names) is larger than tabserve reads, found from the lengths on the wire
 * before any of it becomes a Java string: a 40 MB description would otherwise be decoded, copied by ONNX Runtime's
 * metadata call and parsed as JSON in a 128 MB heap. Unlike other format errors, the file may be valid ONNX; the
 * message names the field, its size and the limit.
 */
public final class OnnxLimitException extends OnnxFormatException {

    private static final long serialVersionUID = 1L;

    /** @param message which field, how large, and the limit */
    public OnnxLimitException(String message) {
        super(message);
    }
}
