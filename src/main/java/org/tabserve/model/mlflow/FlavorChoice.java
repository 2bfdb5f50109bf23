package org.tabserve.model.mlflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Picks the flavor tabserve serves from MLmodel's {@code flavors}: the one onnx, xgboost or lightgbm entry, a
 * python_function beside it ignored. A directory without one is refused in words naming what it holds instead: a
 * scikit-learn pickle, a custom python_function's code, or a flavor tabserve does not read; none is ever loaded.
 */
final class FlavorChoice {

    private static final String EXPORT =
            "tabserve never loads code: export the model to ONNX (skl2onnx, onnxmltools) or save the booster's own file"
                    + " (mlflow.xgboost.save_model, mlflow.lightgbm.save_model)";

    private FlavorChoice() {}

    /** @return the served flavor and its entry under {@code flavors} */
    static Map.Entry<MlflowFlavor, Map<String, Object>> choose(Map<String, Object> mlmodel) {
        Map<String, Object> flavors = MlmodelYaml.mapping(mlmodel, "MLmodel", "flavors");
        if (flavors == null || flavors.isEmpty()) {
            throw new MlflowFormatException("MLmodel has no flavors: the directory is not an MLflow model");
        }
        List<MlflowFlavor> served = new ArrayList<>();
        for (MlflowFlavor flavor : MlflowFlavor.values()) {
            if (flavors.containsKey(flavor.key())) {
                served.add(flavor);
            }
        }
        if (served.size() > 1) {
            throw new MlflowFormatException(
                    "MLmodel's flavors hold both " + served.get(0).key() + " and "
                            + served.get(1).key() + "; tabserve serves a directory of one model: save each in its own");
        }
        if (served.isEmpty()) {
            throw unserved(flavors);
        }
        MlflowFlavor flavor = served.get(0);
        Map<String, Object> entry = MlmodelYaml.mapping(flavors, "flavors", flavor.key());
        if (entry == null) {
            throw new MlflowFormatException("flavors." + flavor.key() + " is empty: it names no model file");
        }
        return Map.entry(flavor, entry);
    }

    private static MlflowFormatException unserved(Map<String, Object> flavors) {
        if (flavors.containsKey("sklearn")) {
            return new MlflowFormatException(
                    "the sklearn flavor stores a pickle (" + "pickle, cloudpickle or skops), which is code; " + EXPORT);
        }
        List<String> others = new ArrayList<>();
        boolean unnamed = false;
        for (String key : flavors.keySet()) {
            if (!key.matches("[A-Za-z0-9_.-]{1,40}")) {
                unnamed = true;
            } else if (!key.equals("python_function")) {
                others.add(key);
            }
        }
        if (others.isEmpty() && !unnamed) {
            return new MlflowFormatException("the python_function flavor alone is a custom Python model (its"
                    + " loader_module, python_model pickle and code paths are code); " + EXPORT);
        }
        String what = others.isEmpty()
                ? "a flavor of an unusual name is"
                : "the " + String.join(", ", others) + " flavor" + (others.size() > 1 ? "s are" : " is");
        return new MlflowFormatException(what + " not served: tabserve serves an MLflow model's onnx, xgboost or"
                + " lightgbm flavor; " + EXPORT);
    }
}
