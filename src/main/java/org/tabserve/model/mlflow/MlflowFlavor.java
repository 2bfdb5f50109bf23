package org.tabserve.model.mlflow;

/** The MLflow flavors tabserve serves, each from its library's own file, never from a pickle. */
public enum MlflowFlavor {
    ONNX("onnx", "onnx_version"),
    XGBOOST("xgboost", "xgb_version"),
    LIGHTGBM("lightgbm", "lgb_version");

    private final String key;
    private final String versionKey;

    MlflowFlavor(String key, String versionKey) {
        this.key = key;
        this.versionKey = versionKey;
    }

    /** @return the flavor's key under {@code flavors} in MLmodel ({@code onnx}, {@code xgboost}, {@code lightgbm}) */
    public String key() {
        return key;
    }

    /** @return the key of the library's version in the flavor's entry ({@code xgb_version}, …) */
    String versionKey() {
        return versionKey;
    }
}
