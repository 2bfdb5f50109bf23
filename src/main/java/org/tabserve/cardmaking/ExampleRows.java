package org.tabserve.cardmaking;

/**
 * Which rows become the card's examples ({@link org.tabserve.model.card.CardKeys#EXAMPLES}): a few per class, evenly
 * spaced through that class's rows in file order, so that the choice is deterministic and spread over the data rather
 * than its first lines. Knowing each class's row count (a first pass over a file), a second pass keeps the rows at
 * these positions.
 */
public final class ExampleRows {

    /** Example rows per class offered on the form. */
    public static final int PER_CLASS = 3;

    private ExampleRows() {}

    /**
     * @param classRows how many rows the class has
     * @return the positions (0-based, among the class's rows in file order) of its examples, ascending
     */
    public static long[] positions(long classRows) {
        int count = (int) Math.min(PER_CLASS, classRows);
        long[] positions = new long[count];
        for (int k = 0; k < count; k++) {
            positions[k] = (long) ((k + 0.5) * classRows / PER_CLASS);
        }
        return positions;
    }
}
