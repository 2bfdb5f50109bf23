package org.tabserve.model.mlflow;

/**
 * Where an MLflow model came from, as its MLmodel records it, for the model's card; each part is null when the MLmodel
 * has none (MLflow 1.x has no model_id, MLflow 3 writes no run_id for a model logged outside a run).
 *
 * @param runId          {@code run_id}: the tracking run that logged the model
 * @param modelUuid      {@code model_uuid}
 * @param modelId        {@code model_id}: MLflow 3's logged-model id ({@code m-…})
 * @param mlflowVersion  {@code mlflow_version}: the MLflow that saved the directory
 * @param utcTimeCreated {@code utc_time_created}, as written ({@code 2024-01-15 10:30:45.123456})
 * @param artifactPath   {@code artifact_path}: the run-relative path (MLflow 2) or artifact location (MLflow 3)
 * @param name           {@code name}, where an MLflow writes one
 * @param libraryVersion the served flavor's library version ({@code xgb_version}, {@code lgb_version}, {@code
 *     onnx_version})
 * @param modelClass     the flavor's {@code model_class} ({@code xgboost.core.Booster}, …), where written
 * @param modelFormat    the xgboost flavor's {@code model_format} ({@code xgb}, {@code json}, {@code ubj})
 */
public record MlflowProvenance(
        String runId,
        String modelUuid,
        String modelId,
        String mlflowVersion,
        String utcTimeCreated,
        String artifactPath,
        String name,
        String libraryVersion,
        String modelClass,
        String modelFormat) {}
