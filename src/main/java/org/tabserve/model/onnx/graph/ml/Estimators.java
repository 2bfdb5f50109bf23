package org.tabserve.model.onnx.graph.ml;

import java.util.Set;
import org.tabserve.model.onnx.graph.OnnxNode;

/** The ai.onnx.ml estimators by name: which give a classifier's label and scores, which a regressor's values. */
public final class Estimators {

    /** The classifier operators: a label output, then one score per class. */
    public static final Set<String> CLASSIFIERS = Set.of("LinearClassifier", "SVMClassifier", "TreeEnsembleClassifier");
    /** The regressor operators: the values. */
    public static final Set<String> REGRESSORS = Set.of("LinearRegressor", "SVMRegressor", "TreeEnsembleRegressor");

    private Estimators() {}

    /** @return whether {@code node} is an ai.onnx.ml classifier */
    public static boolean isClassifier(OnnxNode node) {
        return node.domain().equals(OnnxNode.ML_DOMAIN) && CLASSIFIERS.contains(node.opType());
    }

    /** @return whether {@code node} is an ai.onnx.ml regressor */
    public static boolean isRegressor(OnnxNode node) {
        return node.domain().equals(OnnxNode.ML_DOMAIN) && REGRESSORS.contains(node.opType());
    }
}
