package org.tabserve.model.mlflow;

/**
 * An MLflow model's signature ({@code signature.inputs} and {@code signature.outputs} in MLmodel, each a JSON text).
 *
 * @param inputs  what the model takes
 * @param outputs what it gives, {@link MlflowSchema#NONE} when MLmodel says nothing of it
 */
public record MlflowSignature(MlflowSchema inputs, MlflowSchema outputs) {}
