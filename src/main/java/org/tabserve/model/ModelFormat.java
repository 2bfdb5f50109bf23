package org.tabserve.model;

import java.util.Objects;

/**
 * The file a model was served from, said on its card and in {@code GET /api/model}: the format read ({@code ONNX},
 * {@code XGBoost JSON}, {@code LightGBM text}, an MLflow directory's flavor) and what wrote it, as far as the file says.
 *
 * @param name      the format, in words
 * @param writtenBy the library (and its version) or exporter that wrote the file; empty when the file does not say
 */
public record ModelFormat(String name, String writtenBy) {

    /** The format of an ONNX file. */
    public static final String ONNX = "ONNX";

    public ModelFormat {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(writtenBy, "writtenBy");
    }
}
