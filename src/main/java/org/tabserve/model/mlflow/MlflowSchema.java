package org.tabserve.model.mlflow;

import java.util.List;

/**
 * One side (inputs or outputs) of an MLflow signature: columns for a column-based schema, tensors for a tensor-based
 * one; MLflow never mixes them, so one of the two lists is empty (both, when MLmodel gives no schema for the side).
 *
 * @param columns the columns, in the signature's order
 * @param tensors the tensors, in the signature's order
 */
public record MlflowSchema(List<MlflowColumn> columns, List<MlflowTensor> tensors) {

    /** No schema: MLmodel has no signature for this side. */
    public static final MlflowSchema NONE = new MlflowSchema(List.of(), List.of());

    public MlflowSchema {
        columns = List.copyOf(columns);
        tensors = List.copyOf(tensors);
    }

    /** @return whether this side has a schema at all */
    public boolean isPresent() {
        return !columns.isEmpty() || !tensors.isEmpty();
    }
}
