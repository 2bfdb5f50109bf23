package org.tabserve.model.trees.xgboost;

/**
 * One tree as its file stores it (XGBoost's {@code RegTree} JSON: one array per node field), before it is checked.
 * Arrays the file lacks are null; {@code numNodes} is what {@code tree_param} declares, -1 when it is absent.
 */
final class RawTree {
    long id = -1;
    long numNodes = -1;
    long sizeLeafVector;
    int[] left;
    int[] right;
    int[] splitIndex;
    float[] condition;
    int[] defaultLeft;
    int[] splitType;
    int[] categories;
    int[] categoryNodes;
    long[] categorySegments;
    long[] categorySizes;

    /** @return the nodes its arrays hold, the longest of them */
    int stored() {
        int n = 0;
        for (int length : new int[] {
            lengthOf(left),
            lengthOf(right),
            lengthOf(splitIndex),
            lengthOf(condition),
            lengthOf(defaultLeft),
            lengthOf(splitType)
        }) {
            n = Math.max(n, length);
        }
        return n;
    }

    private static int lengthOf(Object array) {
        if (array == null) {
            return 0;
        }
        return java.lang.reflect.Array.getLength(array);
    }
}
