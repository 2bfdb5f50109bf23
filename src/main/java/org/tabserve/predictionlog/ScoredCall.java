package org.tabserve.predictionlog;

import java.time.Instant;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.RangeWarning;

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
 * @param traceId      the id of the request's trace when it was traced and sampled, else null
 * @param client       the caller's name, as its credential gave it (never the credential), or null for a caller
 *                     that sent none
 * @param clientKind   what named the caller ({@code key}, {@code token}, {@code certificate}, {@code person},
 *                     {@code admin_token}, {@code feedback_token}), or null with no {@code client}
 */
public record ScoredCall(
        String requestId,
        String call,
        String model,
        long version,
        Model scoring,
        Instant time,
        long latencyNanos,
        Batch batch,
        List<Prediction> predictions,
        String traceId,
        String client,
        String clientKind) {

    /** Heap of one object's header and a few fields, or of a string's object and its array's header, rounded up. */
    private static final int OBJECT = 48;

    /**
     * @return the heap this call keeps reachable while it waits for the writer, over-estimated: the batch's values
     *         (each text at two bytes a character), each row's answer and warnings; so that the queue is bounded by
     *         what it holds, not by its rows (100 rows of 5,000-character texts hold megabytes)
     */
    long heldBytes() {
        return OBJECT * 4L
                + 2L
                        * (requestId.length()
                                + call.length()
                                + model.length()
                                + (client == null ? 0 : client.length())
                                + 16)
                + heldBytes(batch);
    }

    /**
     * @return the heap a scored batch keeps reachable while it waits past its request, over-estimated: its values
     *         (each text at two bytes a character), each row's answer and warnings (the prediction log's queue, a
     *         rollout's comparisons)
     */
    public static long heldBytes(Batch batch) {
        long bytes = 0;
        for (int i = 0; i < batch.signature().inputs().size(); i++) {
            Object values = batch.data(i);
            if (values instanceof String[] texts) {
                bytes += OBJECT + 8L * texts.length;
                for (String text : texts) {
                    bytes += text == null ? 0 : OBJECT + 2L * text.length();
                }
            } else if (values instanceof double[] doubles) {
                bytes += OBJECT + 8L * doubles.length;
            } else if (values instanceof long[] longs) {
                bytes += OBJECT + 8L * longs.length;
            } else if (values instanceof float[] floats) {
                bytes += OBJECT + 4L * floats.length;
            } else if (values instanceof int[] ints) {
                bytes += OBJECT + 4L * ints.length;
            } else if (values instanceof boolean[] booleans) {
                bytes += OBJECT + booleans.length;
            }
        }
        int classes = batch.signature().classLabels().size();
        for (int row = 0; row < batch.size(); row++) {
            bytes += OBJECT * 2L + 32L * classes; // the answer, its list of boxed probabilities
            for (RangeWarning warning : batch.warnings(row)) {
                bytes += OBJECT * 2L + 2L * warning.message().length();
            }
        }
        return bytes;
    }
}
