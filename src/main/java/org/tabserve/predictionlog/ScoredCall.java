package org.tabserve.predictionlog;

import org.tabserve.model.Batch;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;

import java.time.Instant;
import java.util.List;

/**
 * One batch a model scored for one request, as the web layer hands it to the {@link PredictionLog}: enough to write
 * each row's line later, on the log's own thread.
 *
 * @param requestId    the request's id (the caller's {@code X-Request-Id}, or one made for it)
 * @param call         what was called: {@code POST /api/predict}, {@code grpc ModelInfer}
 * @param model        the name the model is served under
 * @param version      its version
 * @param scoring      the model that scored the batch (its signature names the columns)
 * @param time         when the answer was ready
 * @param latencyNanos from the request reaching its route to the answer being ready
 * @param batch        the rows as the model took them
 * @param predictions  its answers, one per row
 */
public record ScoredCall(String requestId, String call, String model, long version, Model scoring, Instant time,
                         long latencyNanos, Batch batch, List<Prediction> predictions) {
}
