package org.tabserve.cardmaking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Draws the card's background sample ({@link org.tabserve.model.card.CardKeys#BACKGROUND}) from a stream of rows in one
 * pass: reservoir sampling (Vitter's algorithm R) with a fixed seed, so that the same file gives the same rows, and
 * every row of the file has the same chance to be kept whatever the file's length.
 */
public final class BackgroundSample {

    /** Rows kept: all of them when the data has fewer. */
    public static final int SIZE = 100;

    /** The seed the rows are drawn with, recorded beside them. */
    public static final long SEED = 24;

    private final int size;
    private final SplittableRandom random = new SplittableRandom(SEED);
    private final List<List<Object>> rows = new ArrayList<>();
    private long seen;

    public BackgroundSample() {
        this(SIZE);
    }

    public BackgroundSample(int size) {
        this.size = size;
    }

    /**
     * Offers the next row of the stream; {@code row} is called only when the row is kept.
     *
     * @param row the row's values in the model's column order (a number, text, a boolean, or null when missing)
     */
    public void offer(Supplier<List<Object>> row) {
        long index = seen++;
        if (index < size) {
            rows.add(row.get());
        } else {
            long slot = random.nextLong(index + 1);
            if (slot < size) {
                rows.set((int) slot, row.get());
            }
        }
    }

    /** @return the rows kept so far */
    public List<List<Object>> rows() {
        return rows;
    }

    /** @return the card entry's value: seed, how many rows were offered, the size, the columns and the rows */
    public Map<String, Object> toJson(List<String> columns) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seed", SEED);
        json.put("sampled_from", seen);
        json.put("size", rows.size());
        json.put("columns", columns);
        json.put("rows", rows);
        return json;
    }
}
