package org.tabserve.model.onnx.graph;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One dimension of a tensor shape as the graph declares it: a fixed size ({@code dim_value}), a named free size
 * ({@code dim_param}, e.g. "batch"), or neither (skl2onnx's free batch dimension), which tells a fixed batch from a
 * free one.
 *
 * @param size  the fixed size, when {@code dim_value} is set
 * @param param the name of a free dimension, when {@code dim_param} is set
 */
public record Dimension(OptionalLong size, Optional<String> param) {

    /** A dimension with neither a size nor a name. */
    public static final Dimension UNKNOWN = new Dimension(OptionalLong.empty(), Optional.empty());

    public Dimension {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(param, "param");
        if (size.isPresent() && param.isPresent()) {
            throw new IllegalArgumentException("a dimension is a size or a name, not both");
        }
    }

    /** @return a dimension of fixed {@code size} */
    public static Dimension fixed(long size) {
        return new Dimension(OptionalLong.of(size), Optional.empty());
    }

    /** @return a free dimension named {@code param} */
    public static Dimension named(String param) {
        return new Dimension(OptionalLong.empty(), Optional.of(param));
    }

    /** @return whether the size is fixed */
    public boolean isFixed() {
        return size.isPresent();
    }

    /** The size, the name, or "?" (as shapes are usually written). */
    @Override
    public String toString() {
        return size.isPresent() ? Long.toString(size.getAsLong()) : param.orElse("?");
    }
}
