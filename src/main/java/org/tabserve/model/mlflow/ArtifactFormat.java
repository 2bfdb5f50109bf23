package org.tabserve.model.mlflow;

/** The format of an MLflow model's artifact, read from its first bytes, which picks the reader that loads it. */
public enum ArtifactFormat {
    /** An ONNX protobuf model ({@code flavors.onnx.data}). */
    ONNX,
    /** XGBoost's JSON model ({@code model_format='json'}). */
    XGBOOST_JSON,
    /** XGBoost's UBJSON model ({@code model_format='ubj'}, and MLflow's default {@code 'xgb'} since XGBoost 2.1). */
    XGBOOST_UBJSON,
    /** LightGBM's text model ({@code Booster.save_model}). */
    LIGHTGBM_TEXT
}
