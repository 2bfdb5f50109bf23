package org.tabserve.model.mlflow;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tells an artifact's format from its first bytes, since MLflow's name does not: {@code mlflow.xgboost}'s default
 * {@code model_format='xgb'} writes {@code model.xgb}, which XGBoost before 2.1 fills with its deprecated binary
 * format and XGBoost 2.1 and later with UBJSON. The deprecated binary format, a LightGBM pickle and a file that is not
 * its flavor's format are refused in words.
 */
final class ArtifactSniffer {

    /** The bytes that may follow a UBJSON object's '{': a key's length marker, or a count or type marker. */
    private static final String UBJSON_AFTER_BRACE = "iUIlL#$";

    private ArtifactSniffer() {}

    static ArtifactFormat format(MlflowFlavor flavor, String field, Path artifact, Map<String, Object> entry) {
        byte[] head = InsideDirectory.head(field, artifact, 64);
        if (head.length == 0) {
            throw new MlflowFormatException(field + " names an empty file");
        }
        return switch (flavor) {
            case ONNX -> ArtifactFormat.ONNX;
            case XGBOOST -> xgboost(field, head);
            case LIGHTGBM -> lightgbm(field, head, entry);
        };
    }

    private static ArtifactFormat xgboost(String field, byte[] head) {
        int i = skipSpace(head, 0);
        if (i < head.length && head[i] == '{') {
            if (i + 1 < head.length && UBJSON_AFTER_BRACE.indexOf(head[i + 1]) >= 0) {
                return ArtifactFormat.XGBOOST_UBJSON;
            }
            int next = skipSpace(head, i + 1);
            if (next < head.length && (head[next] == '"' || head[next] == '}')) {
                return ArtifactFormat.XGBOOST_JSON;
            }
        }
        throw new MlflowFormatException(
                field + " is saved in XGBoost's deprecated binary format (what XGBoost before"
                        + " 2.1 writes for mlflow.xgboost's default model_format='xgb'), which tabserve does not read; save it"
                        + " with model_format='json' (or 'ubj'): mlflow.xgboost.save_model(booster, path, model_format='json')");
    }

    private static ArtifactFormat lightgbm(String field, byte[] head, Map<String, Object> entry) {
        String modelClass = MlmodelYaml.text(entry, "flavors.lightgbm", "model_class");
        boolean pickle = (head[0] & 0xff) == 0x80;
        if (pickle || (modelClass != null && !modelClass.equals("lightgbm.basic.Booster"))) {
            throw new MlflowFormatException("the lightgbm flavor of a scikit-learn model (LGBMClassifier,"
                    + " LGBMRegressor) stores a pickle, which is code; tabserve never loads code: save the booster's"
                    + " own file, mlflow.lightgbm.save_model(model.booster_, path)");
        }
        String start = new String(head, StandardCharsets.US_ASCII);
        if (!start.startsWith("tree\n") && !start.startsWith("tree\r\n")) {
            throw new MlflowFormatException(field + " is not a LightGBM text model (Booster.save_model writes one)");
        }
        return ArtifactFormat.LIGHTGBM_TEXT;
    }

    private static int skipSpace(byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) {
            i++;
        }
        return i;
    }
}
