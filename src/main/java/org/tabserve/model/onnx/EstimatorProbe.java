package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;

/**
 * The exact explainer's second session of a model's graph ({@link AttributeExplainer}), which answers rows as the
 * served one does and also outputs, for each, its estimator's input row ({@link #FEATURES}) and scores ({@link
 * #SCORES}) in the same call.
 */
final class EstimatorProbe implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EstimatorProbe.class.getName());

    static final String FEATURES = "tabserve.explain.features";
    static final String SCORES = "tabserve.explain.scores";

    private final OrtSession probe;
    private final InputBinder binder;
    private final OutputDecoder decoder;
    private final Set<String> outputs;
    private final ModelSignature signature;

    /**
     * @param probe       the second session (this probe owns it from now on)
     * @param servedNames the outputs a prediction fetches, which {@code probe} also has
     */
    EstimatorProbe(
            OrtSession probe,
            InputBinder binder,
            OutputDecoder decoder,
            Set<String> servedNames,
            ModelSignature signature) {
        this.probe = probe;
        this.binder = binder;
        this.decoder = decoder;
        this.outputs = union(servedNames);
        this.signature = signature;
    }

    private static Set<String> union(Set<String> servedNames) {
        Set<String> names = new HashSet<>(servedNames);
        names.add(FEATURES);
        names.add(SCORES);
        return Set.copyOf(names);
    }

    /** The model's answers, the estimator's input rows and its scores for some rows of a batch. */
    record Run(List<Prediction> predictions, float[][] features, float[][] scores) {}

    /** The answers, estimator inputs and scores of {@code count} rows of {@code batch}, from row {@code from}. */
    Run run(Batch batch, int from, int count) throws OrtException {
        int chunk = signature.fixedBatch() > 0 ? signature.fixedBatch() : count;
        List<Prediction> predictions = new ArrayList<>(count);
        float[][] features = new float[count][];
        float[][] scores = new float[count][];
        for (int start = 0; start < count; start += chunk) {
            int n = Math.min(chunk, count - start);
            try (InputBinder.Bound bound = binder.bind(batch, from + start, n, signature.fixedBatch());
                    OrtSession.Result result = probe.run(bound.tensors(), outputs)) {
                predictions.addAll(decoder.decode(RunOutputs.of(result), n));
                read((OnnxTensor) result.get(FEATURES).orElseThrow(), features, start, n);
                read((OnnxTensor) result.get(SCORES).orElseThrow(), scores, start, n);
            }
        }
        return new Run(predictions, features, scores);
    }

    private static void read(OnnxTensor tensor, float[][] into, int start, int rows) {
        long[] shape = tensor.getInfo().getShape();
        int width = shape.length == 1 ? 1 : (int) shape[1];
        FloatBuffer values = tensor.getFloatBuffer();
        for (int r = 0; r < rows; r++) {
            into[start + r] = new float[width];
            values.get(r * width, into[start + r]);
        }
    }

    @Override
    public void close() {
        try {
            probe.close();
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.WARNING, "Closing an explaining session failed", e);
        }
    }
}
