package org.tabserve.model.onnx.graph.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A tree ensemble's nodes by (tree, node): every node found where it was put, a repeated id refused, none invented. */
class NodeIndexTest {

    @Test
    void everyNodeIsFoundAtItsPositionAndARepeatedIdIsRefused() {
        int trees = 300;
        int nodes = 127;
        NodeIndex index = new NodeIndex(trees * nodes);
        for (int t = 0; t < trees; t++) {
            for (int n = 0; n < nodes; n++) {
                assertTrue(index.put(t, n * 7L, t * nodes + n));
            }
        }
        for (int t = 0; t < trees; t++) {
            for (int n = 0; n < nodes; n++) {
                assertEquals(t * nodes + n, index.get(t, n * 7L));
            }
        }
        assertFalse(index.put(5, 14, 0), "node 14 of tree 5 is there already");
        assertEquals(5 * nodes + 2, index.get(5, 14), "and keeps its position");
        assertEquals(-1, index.get(5, 15));
        assertEquals(-1, index.get(trees, 0));
    }

    @Test
    void distinctCountsTheTreesWhateverTheirOrder() {
        assertEquals(3, NodeIndex.distinct(new long[] {4, 1, 4, 9, 1, 1}));
        assertEquals(0, NodeIndex.distinct(new long[0]));
    }
}
