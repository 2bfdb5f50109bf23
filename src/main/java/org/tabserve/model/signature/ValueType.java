package org.tabserve.model.signature;

/** The element types a model input may have, and so the kinds of value a caller may send for one of its features. */
public enum ValueType {
    FLOAT,
    DOUBLE,
    INT64,
    INT32,
    STRING,
    BOOL;

    /** @return whether values of this type are numbers (a JSON number, or a decimal in text formats) */
    public boolean isNumber() {
        return this != STRING && this != BOOL;
    }

    /** @return whether values of this type are whole numbers */
    public boolean isInteger() {
        return this == INT64 || this == INT32;
    }

    /** @return the name clients see, as the Open Inference Protocol spells datatypes (FP32, INT64, BYTES, BOOL, …) */
    public String v2Name() {
        return switch (this) {
            case FLOAT -> "FP32";
            case DOUBLE -> "FP64";
            case INT64 -> "INT64";
            case INT32 -> "INT32";
            case STRING -> "BYTES";
            case BOOL -> "BOOL";
        };
    }
}
