/**
 * XGBoost's own model files ({@code save_model("model.json")}, {@code save_model("model.ubj")}, XGBoost 1.7 to 3.x)
 * read into a {@link org.tabserve.model.trees.TrainedForest} that answers as XGBoost's predict does, to the bit:
 * {@link org.tabserve.model.trees.xgboost.XgboostReader} is the entry. A JSON file is read with Jackson's streaming
 * parser, a UBJSON file with our own bounded reader ({@code UbjsonTokens}); both hand the same tokens ({@code Tokens})
 * to one reader of the model's structure ({@code LearnerReader}, {@code TreeReader}), so no logic is twinned. Every
 * bound of {@link org.tabserve.model.trees.ForestLimits} is checked before what it bounds costs memory.
 */
package org.tabserve.model.trees.xgboost;
