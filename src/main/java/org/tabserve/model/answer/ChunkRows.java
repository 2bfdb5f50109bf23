package org.tabserve.model.answer;

import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;

/**
 * One chunk of checked rows as a reader of rows hands it over to be scored ({@link ChunkScorer}), whatever the format
 * it read: its batch and, when bad rows are answered in their place, the same chunk less the rows the model refuses
 * once it computed them.
 *
 * @param <C> the reader's chunk
 */
public interface ChunkRows<C extends ChunkRows<C>> {

    /** @return the rows checked for the model (with bad rows answered in their place, the good ones only) */
    Batch batch();

    /** @return the rows of the batch */
    int size();

    /** @return whether there is a batch to score (by default, when it has rows) */
    default boolean hasRows() {
        return size() > 0;
    }

    /** @return whether bad rows are answered in their place, so that the model may refuse some rows in theirs */
    boolean refusesInPlace();

    /**
     * @param refused rows of the batch by their index in it, with their errors
     * @return this chunk with those rows moved out of the batch, each refused in its place with its errors
     */
    C refusing(Map<Integer, List<FieldError>> refused);
}
