/**
 * MLflow model directories (an {@code MLmodel} file beside the model's own file): which flavor tabserve serves from it
 * (onnx, xgboost or lightgbm), the artifact's path checked to stay inside the directory and its format, the signature,
 * the input example and the provenance for the card. Flavors that store code (a pickle, a custom python_function) are
 * refused in words, and nothing of the directory is ever executed. Reads with SnakeYAML's safe constructor and Jackson,
 * within {@link org.tabserve.model.mlflow.MlflowLimits}; it knows no tree format and no ONNX Runtime.
 */
package org.tabserve.model.mlflow;
