package org.tabserve.model.trees.xgboost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An XGBoost model as its file stores it, before it is checked: what {@link LearnerReader} fills. */
final class RawModel {
    String format;
    long[] version;
    final Map<String, String> attributes = new LinkedHashMap<>();
    List<String> featureNames = List.of();
    List<String> featureTypes = List.of();
    Map<String, String> learnerParam = Map.of();
    String objective;
    final Map<String, String> objectiveParam = new LinkedHashMap<>();
    /** {@code gbtree}, {@code dart}, {@code gblinear}: the outer booster's name. */
    String booster;

    boolean sawTrees;
    Map<String, String> gbtreeParam = Map.of();
    final List<RawTree> trees = new ArrayList<>();
    long[] treeInfo;
    /** DART's tree weights, in the booster (before 3.x) or in its model (3.x). */
    float[] weightDrop;
    /** XGBoost 3.1+'s category strings, one list per feature (empty for a number); null when the file has none. */
    List<List<String>> cats;
}
