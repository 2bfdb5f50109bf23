package org.tabserve.model.onnx.graph;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The type of a graph input or output ({@code TypeProto}): a tensor, a sequence or a map, because classic ML graphs
 * answer with a {@code seq(map(string, float))} (ZipMap) beside their tensors.
 */
public sealed interface OnnxType {

    /** Which of the type's shapes this is. */
    enum Kind {
        TENSOR,
        SEQUENCE,
        MAP,
        OTHER
    }

    /** @return which of the type's shapes this is */
    Kind kind();

    /**
     * A tensor.
     *
     * @param elementType its element type
     * @param shape       its dimensions, or empty when the graph leaves even the rank open
     */
    record Tensor(ElementType elementType, Optional<List<Dimension>> shape) implements OnnxType {
        public Tensor {
            Objects.requireNonNull(elementType, "elementType");
            shape = shape.map(List::copyOf);
        }

        @Override
        public Kind kind() {
            return Kind.TENSOR;
        }
    }

    /** A sequence of {@code element}s. */
    record Sequence(OnnxType element) implements OnnxType {
        public Sequence {
            Objects.requireNonNull(element, "element");
        }

        @Override
        public Kind kind() {
            return Kind.SEQUENCE;
        }
    }

    /** A map from {@code key} (an integer type or string) to {@code value}. */
    record MapOf(ElementType key, OnnxType value) implements OnnxType {
        public MapOf {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Kind kind() {
            return Kind.MAP;
        }
    }

    /** Any other type (optional, sparse tensor, opaque) or none at all; {@code what} says which. */
    record Other(String what) implements OnnxType {
        public Other {
            Objects.requireNonNull(what, "what");
        }

        @Override
        public Kind kind() {
            return Kind.OTHER;
        }
    }
}
