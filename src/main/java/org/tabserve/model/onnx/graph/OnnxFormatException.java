package org.tabserve.model.onnx.graph;

import java.io.IOException;

/**
 * A file that is not a well-formed ONNX model (truncated, not protobuf, no graph); an {@link IOException}, as
 * {@code java.util.zip.ZipException} is, so that whoever loads a model handles a bad file and an unreadable one in
 * one place. The message names the problem and the byte offset where it was found.
 */
public class OnnxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where, e.g. "truncated: a field of 5000 bytes at byte 17 ..." */
    public OnnxFormatException(String message) {
        super(message);
    }
}
