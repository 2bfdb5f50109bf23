package org.tabserve.model;

import java.util.List;

/**
 * What a server does with every batch a model scored and the predictions it answered (counts them in its metrics and
 * live profile), handed to code that scores on other threads, so that counting needs the batch as well as the answer.
 */
@FunctionalInterface
public interface PredictionCounter {

    /**
     * @param batch       the rows the model scored
     * @param predictions what it answered for them, one per row
     * @return {@code predictions}, unchanged
     */
    List<Prediction> counted(Batch batch, List<Prediction> predictions);
}
