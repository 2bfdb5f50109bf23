package org.tabserve.model.onnx.graph.ml;

import java.util.Arrays;

/**
 * A tree ensemble's nodes by (tree id, node id), in two primitive arrays with open addressing: 12 to 24 bytes a node
 * where a {@code HashMap<Long, Integer>} took about 72 (an entry, a Long and an Integer each), which at half a million
 * nodes was the largest part of reading a forest ({@link TreeEnsembleReader}; the explanations' estimate of its
 * heap, {@code model.onnx.shapley.ExplainerHeap}, counts it).
 */
final class NodeIndex {

    private final long[] keys;
    private final int[] values; // the node's position + 1; 0: a free slot
    private final int mask;

    /** @param nodes the most nodes it will hold */
    NodeIndex(int nodes) {
        int capacity = Integer.highestOneBit(Math.max(2, nodes) * 2 - 1) << 1; // a power of two, at least twice nodes
        this.keys = new long[capacity];
        this.values = new int[capacity];
        this.mask = capacity - 1;
    }

    /** @return false when the key was there already (a node id repeated in its tree), true when added */
    boolean put(long tree, long node, int position) {
        long key = key(tree, node);
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            if (values[slot] == 0) {
                keys[slot] = key;
                values[slot] = position + 1;
                return true;
            }
            if (keys[slot] == key) {
                return false;
            }
        }
    }

    /** @return the node's position, or -1 when no node has these ids */
    int get(long tree, long node) {
        long key = key(tree, node);
        for (int slot = slot(key); values[slot] != 0; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                return values[slot] - 1;
            }
        }
        return -1;
    }

    /** @return how many different values {@code ids} holds */
    static int distinct(long[] ids) {
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        int count = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                count++;
            }
        }
        return count;
    }

    private int slot(long key) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }

    private static long key(long tree, long node) {
        return tree << 32 ^ node;
    }
}
