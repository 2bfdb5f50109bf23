package org.tabserve.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Gather's indices take a row in the data's order to Tribuo's sorted order. */
class DataColumnOrderTest {

    @Test
    void indicesPickEachOfTribuosColumnsFromItsDataColumn() {
        List<String> data = List.of("variance", "skewness", "curtosis", "entropy");
        List<String> tribuo = List.of("curtosis", "entropy", "skewness", "variance");
        long[] indices = DataColumnOrder.gatherIndices(data, tribuo);
        assertArrayEquals(new long[] {2, 3, 1, 0}, indices);
        double[] row = {3.6216, 8.6661, -2.8073, -0.44699}; // the CSV's first row, in its order
        double[] gathered = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            gathered[i] = row[(int) indices[i]];
        }
        assertArrayEquals(new double[] {-2.8073, -0.44699, 8.6661, 3.6216}, gathered);
    }

    @Test
    void refusesFeaturesThatAreNotAReordering() {
        assertThrows(
                IllegalArgumentException.class,
                () -> DataColumnOrder.gatherIndices(List.of("variance", "skewness"), List.of("variance", "curtosis")));
        assertThrows(
                IllegalArgumentException.class,
                () -> DataColumnOrder.gatherIndices(List.of("variance", "skewness"), List.of("variance")));
    }
}
