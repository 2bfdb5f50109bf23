package org.tabserve.model.signature;

/** The shapes of output that tabserve understands, named by what the graph returns. */
public enum OutputKind {
    /** One float tensor {@code [N, C]} of probabilities or logits (Tribuo, Keras, PyTorch). */
    PROBABILITIES,
    /** A label tensor {@code [N]} and a float tensor {@code [N, C]} (skl2onnx with {@code zipmap=False}). */
    LABEL_AND_PROBABILITIES,
    /** A label tensor {@code [N]} and a sequence of maps from label to probability (skl2onnx's default ZipMap). */
    LABEL_AND_ZIPMAP,
    /** A regressor's one float tensor {@code [N, 1]} or {@code [N]} of predicted values (skl2onnx's {@code variable}). */
    VALUE
}
