package org.tabserve.model.mlflow;

import java.util.Locale;
import java.util.Optional;

/** The scalar types of an MLflow column-based signature, as {@code mlflow.types.DataType} names them. */
public enum MlflowType {
    BOOLEAN,
    INTEGER,
    LONG,
    FLOAT,
    DOUBLE,
    STRING,
    BINARY,
    DATETIME;

    /** @return the name MLflow writes in a signature ({@code double}, {@code long}, …) */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the type MLflow names so, or empty for a type that is not a scalar (array, object, map, any) */
    static Optional<MlflowType> of(String key) {
        for (MlflowType type : values()) {
            if (type.key().equals(key)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
