package org.tabserve.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Seeded, stratified splits of row indices that keep identical feature vectors together, so that a duplicated row
 * can never sit on both sides of a split and flatter the held-out score.
 */
final class StratifiedSplits {

    private StratifiedSplits() {}

    /** Row indices on each side of a split. */
    record Split(List<Integer> train, List<Integer> test) {}

    /**
     * Puts about {@code testFraction} of each class's rows in the test side.
     *
     * @param rows    the row indices to split (e.g. all, or a training side)
     * @param data    the table the indices point into
     * @param seed    the shuffle's seed
     */
    static Split holdOut(List<Integer> rows, LabeledData data, double testFraction, long seed) {
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<List<Integer>> groups : groupsByClass(rows, data, seed).values()) {
            int classRows = groups.stream().mapToInt(List::size).sum();
            long wanted = Math.round(classRows * testFraction);
            int taken = 0;
            for (List<Integer> group : groups) {
                if (taken < wanted) {
                    test.addAll(group);
                    taken += group.size();
                } else {
                    train.addAll(group);
                }
            }
        }
        Collections.sort(train);
        Collections.sort(test);
        return new Split(List.copyOf(train), List.copyOf(test));
    }

    /** Splits rows into {@code k} folds, dealing each class's groups round-robin so every fold is stratified. */
    static List<Split> kFold(List<Integer> rows, LabeledData data, int k, long seed) {
        List<List<Integer>> folds = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            folds.add(new ArrayList<>());
        }
        int next = 0;
        for (List<List<Integer>> groups : groupsByClass(rows, data, seed).values()) {
            for (List<Integer> group : groups) {
                folds.get(next++ % k).addAll(group);
            }
        }
        List<Split> splits = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            List<Integer> train = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                if (j != i) {
                    train.addAll(folds.get(j));
                }
            }
            Collections.sort(train);
            List<Integer> test = new ArrayList<>(folds.get(i));
            Collections.sort(test);
            splits.add(new Split(List.copyOf(train), List.copyOf(test)));
        }
        return splits;
    }

    /** Class label to its groups of identical rows, the groups shuffled with the seed. */
    private static Map<String, List<List<Integer>>> groupsByClass(List<Integer> rows, LabeledData data, long seed) {
        Map<String, Map<String, List<Integer>>> byClass = new TreeMap<>();
        for (int row : rows) {
            String key = Arrays.toString(data.rows().get(row));
            byClass.computeIfAbsent(data.labels().get(row), c -> new LinkedHashMap<>())
                    .computeIfAbsent(key, g -> new ArrayList<>())
                    .add(row);
        }
        Random random = new Random(seed);
        Map<String, List<List<Integer>>> shuffled = new TreeMap<>();
        byClass.forEach((label, groups) -> {
            List<List<Integer>> list = new ArrayList<>(groups.values());
            Collections.shuffle(list, random);
            shuffled.put(label, list);
        });
        return shuffled;
    }
}
