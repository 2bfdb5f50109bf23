/**
 * The prediction log ({@code --prediction-log DIR}): what each model scored and answered, one JSON line per row, written
 * by one background thread so that no request waits for a disk, sampled, with sensitive columns masked, rotated by
 * size. It stands on the model and the rows' JSON writer and knows no servlet: the web layer hands it each scored batch.
 */
package org.tabserve.predictionlog;
