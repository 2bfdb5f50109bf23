package org.tabserve.model.mlflow;

/**
 * One column of an MLflow column-based signature.
 *
 * @param name     the column's name; a signature without names gets its position ("0", "1", …), as MLflow does
 * @param type     its scalar type
 * @param required whether a row must hold it (MLflow's {@code required}, true unless the signature says false)
 */
public record MlflowColumn(String name, MlflowType type, boolean required) {}
