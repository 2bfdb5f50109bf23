package org.tabserve.model.trees.lightgbm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * A LightGBM model's features: named by {@code feature_names} ({@code Column_0}, … where LightGBM made them up),
 * categorical where {@code feature_infos} lists categories (not {@code [min:max]}, not {@code none}) or a tree splits
 * on them as categories; a DataFrame's category strings ({@code pandas_categorical}) given to its categorical features
 * in column order, the parameters' {@code categorical_feature} saying which where it lists them.
 */
final class FeatureList {

    private FeatureList() {}

    static List<ForestFeature> build(ModelHeader header, LgbmTree[] trees, ModelTail tail, ForestLimits limits) {
        int n = header.features;
        boolean[] categorical = new boolean[n];
        for (int i = 0; i < n; i++) {
            String info = header.featureInfos[i];
            categorical[i] = !info.equals("none") && !info.startsWith("[");
        }
        for (LgbmTree tree : trees) {
            if (!tree.categorical) {
                continue;
            }
            for (int node = 0; node < tree.numLeaves - 1; node++) {
                if ((tree.decisionType[node] & LgbmTree.CATEGORICAL) != 0) {
                    categorical[tree.splitFeature[node]] = true;
                }
            }
        }
        List<List<String>> pandas = tail.pandasCategorical;
        int[] columns = pandas.isEmpty()
                ? new int[0]
                : columns(categorical, tail.parameters.get("categorical_feature"), pandas.size());
        List<List<String>> categories = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            categories.add(List.of());
        }
        for (int c = 0; c < columns.length; c++) {
            List<String> list = pandas.get(c);
            if (new HashSet<>(list).size() != list.size()) {
                throw new ForestFormatException("pandas_categorical gives a column the same category twice");
            }
            categories.set(columns[c], list);
        }
        List<ForestFeature> features = new ArrayList<>(n);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String name = header.featureNames[i];
            if (!names.add(name)) {
                throw new ForestFormatException("feature_names names a feature twice");
            }
            features.add(new ForestFeature(name, categorical[i], categories.get(i), false));
        }
        return features;
    }

    /** @return the feature each pandas_categorical list belongs to, in order */
    private static int[] columns(boolean[] categorical, String parameter, int lists) {
        int[] listed = listed(parameter, categorical.length);
        if (listed != null && listed.length == lists) {
            for (int f : listed) {
                categorical[f] = true;
            }
            return listed;
        }
        int[] found = new int[lists];
        int k = 0;
        for (int i = 0; i < categorical.length; i++) {
            if (categorical[i]) {
                if (k == lists) {
                    k++;
                    break;
                }
                found[k++] = i;
            }
        }
        if (k != lists) {
            throw new ForestFormatException("pandas_categorical lists a different number of columns than the model has"
                    + " categorical features: which column each belongs to cannot be told");
        }
        return found;
    }

    /** @return the parameters' categorical_feature as ascending feature indices, or null where it lists none */
    private static int[] listed(String parameter, int features) {
        if (parameter == null || parameter.isBlank() || !parameter.matches("[0-9]{1,9}(,[0-9]{1,9})*")) {
            return null;
        }
        String[] parts = parameter.split(",");
        if (parts.length > features) {
            return null;
        }
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i]);
            if (out[i] >= features || (i > 0 && out[i] <= out[i - 1])) {
                return null;
            }
        }
        return out;
    }
}
