package org.tabserve.model.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.explain.ExplanationMeter;
import org.tabserve.model.explain.StructuralExplainer;
import org.tabserve.model.onnx.copy.GraphOutputs;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.shapley.AdditiveEstimator;
import org.tabserve.model.onnx.shapley.EstimatorInput;
import org.tabserve.model.onnx.shapley.EstimatorReader;
import org.tabserve.model.onnx.shapley.ExplainerHeap;
import org.tabserve.model.onnx.shapley.LoadRoom;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;

/**
 * Explains a tree ensemble or a linear model exactly from its definition ({@link AdditiveEstimator}), with the
 * model's input columns as the players: a second session of the same graph, which also outputs the estimator's input
 * row and scores ({@link GraphOutputs}, {@link EstimatorProbe}), gives the explained row's estimator input and answer
 * in one call, and the background's once, at load; each column's contribution is then the Shapley value of its group
 * of estimator inputs ({@link EstimatorInput}). It is built only when that session agrees with the graph's structure
 * and with this Java reading of the estimator on the background rows ({@link #of}, {@link EstimatorCheck},
 * {@link org.tabserve.model.onnx.engine.OrtAgreement}), so that what it says is what the model does.
 *
 * <p>The quantity explained is the predicted class's probability when the estimator outputs probabilities itself
 * (a random forest: post_transform NONE, and the model's probabilities are its scores), the regressor's value, and
 * otherwise the predicted class's raw score before the sigmoid or softmax, its margin: Shapley values of the
 * probability through a link are not a sum over the trees or weights.
 */
final class AttributeExplainer implements StructuralExplainer, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AttributeExplainer.class.getName());

    private final EstimatorProbe probe;
    private final ModelSignature signature;
    private final AdditiveEstimator estimator;
    private final int[] groupOf;
    private final float[][] background;
    private final double[] baseValues;
    private final String quantity;
    /** For each of the signature's classes, its score's index in the estimator's output. */
    private final int[] scoreOf;
    /** The heap its structure holds of the {@link LoadRoom}, given back when it closes; null until the load keeps it. */
    private LoadRoom.Share room;

    private AttributeExplainer(
            EstimatorProbe probe,
            ModelSignature signature,
            AdditiveEstimator estimator,
            int[] groupOf,
            float[][] background,
            String quantity,
            int[] scoreOf) {
        this.probe = probe;
        this.signature = signature;
        this.estimator = estimator;
        this.groupOf = groupOf;
        this.background = background;
        this.quantity = quantity;
        this.scoreOf = scoreOf;
        int width = estimator.margins(background[0]).length;
        this.baseValues = new double[width];
        for (float[] b : background) {
            double[] m = estimator.margins(b);
            for (int c = 0; c < width; c++) {
                baseValues[c] += m[c] / background.length;
            }
        }
    }

    /**
     * The explainer of a model whose card has a background sample and whose graph has one estimator read here, fed
     * by columns alone; null otherwise, the reason logged (the model is then explained by coalitions of rows). The
     * heap its reading takes is taken from the {@link LoadRoom} first, estimated from the estimator's attribute counts
     * ({@link ExplainerHeap}), and what its structure keeps stays taken until it closes.
     *
     * @param model        the model's bytes
     * @param zipMapTensor the ZipMap's tensor that the served session outputs, or null
     * @param servedNames  the outputs a prediction fetches
     * @param opener       opens a session as the served one is opened
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} when the explainer does not fit in the
     *                        {@link LoadRoom}, saying how much it needs and what would help
     */
    static AttributeExplainer build(
            String source,
            ByteBuffer model,
            OnnxGraph graph,
            ModelSignature signature,
            Background background,
            ZipMapProbabilities zipMapTensor,
            InputBinder binder,
            OutputDecoder decoder,
            Set<String> servedNames,
            Function<ByteBuffer, OrtSession> opener) {
        if (background == null) {
            return null;
        }
        EstimatorProbe probe = null;
        LoadRoom.Share room = null;
        try {
            EstimatorInput input = EstimatorInput.of(graph, signature).orElse(null);
            if (input == null) {
                return null;
            }
            OnnxNode node = input.estimator();
            int width = input.columnOf().length;
            ExplainerHeap heap = ExplainerHeap.of(node);
            room = LoadRoom.ofHeap().take(heap);
            AdditiveEstimator estimator = EstimatorReader.read(node, width);
            String scores = node.outputs().get(node.opType().endsWith("Classifier") ? 1 : 0);
            GraphOutputs outputs = new GraphOutputs()
                    .copy(input.tensor(), EstimatorProbe.FEATURES, width)
                    .copy(scores, EstimatorProbe.SCORES, 0);
            if (zipMapTensor != null) {
                outputs.output(zipMapTensor.tensor(), zipMapTensor.columns().size());
            }
            probe = new EstimatorProbe(opener.apply(outputs.appliedTo(model)), binder, decoder, servedNames, signature);
            // The second session is checked against the estimator's reading on the background; the explainer owns it.
            EstimatorCheck.Agreed agreed = EstimatorCheck.check(probe, signature, input, estimator, background);
            AttributeExplainer explainer = new AttributeExplainer(
                    probe,
                    signature,
                    estimator,
                    input.columnOf(),
                    agreed.background(),
                    agreed.quantity(),
                    agreed.scoreOf());
            room.keepOnly(heap.toKeep());
            explainer.room = room;
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: explained exactly from its {1} ({2})",
                    source,
                    node.opType(),
                    explainer.quantity);
            return explainer;
        } catch (LoadRoom.NoRoom e) {
            LOG.log(System.Logger.Level.WARNING, source + ": refused: " + e.getMessage());
            throw ModelException.unusable(source, e.getMessage(), e);
        } catch (OnnxFormatException | OrtException | RuntimeException e) {
            // Never a reason to refuse the model: it is explained by coalitions as any other. A reason of ours
            // (IllegalArgumentException) or the runtime's is news; anything else is a fault of this reading.
            boolean expected = !(e instanceof RuntimeException)
                    || e instanceof IllegalArgumentException
                    || e instanceof ModelException
                    || e instanceof java.io.UncheckedIOException;
            LOG.log(
                    expected ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    source + ": explained by coalitions of rows: " + e.getMessage(),
                    expected ? null : e);
            if (probe != null) {
                probe.close();
            }
            if (room != null) {
                room.close();
            }
            return null;
        }
    }

    /** Its one model call and its estimator's walk against the background ({@link AdditiveEstimator#modelRows}). */
    @Override
    public long modelRowsPerRow() {
        return 1 + estimator.modelRows(background.length);
    }

    @Override
    public String work() {
        return estimator.work(background.length);
    }

    /** Counts the row's work as {@link #modelRowsPerRow} model rows, seen by {@code meter} before its one call. */
    @Override
    public Explanation explain(Batch rows, int row, ExplanationMeter meter) {
        meter.beforeCall((int) Math.min(Integer.MAX_VALUE, modelRowsPerRow()));
        EstimatorProbe.Run one;
        try {
            one = probe.run(rows, row, 1);
        } catch (OrtException e) {
            throw ModelException.predictionFailed(
                    "ONNX Runtime failed to explain a row (" + OrtMessages.inWords(e) + ")", e);
        }
        Prediction prediction = one.predictions().get(0);
        if (prediction == null) {
            throw ModelException.predictionFailed("the model returned no finite answer for the row explained", null);
        }
        int target = 0;
        String label = null;
        if (prediction instanceof Prediction.Classification c) {
            label = c.label();
            target = scoreOf[c.classes().indexOf(label)];
        }
        float[] x = one.features()[0];
        double[] phi = new double[signature.featureCount()];
        estimator.contributions(x, background, target, groupOf, phi);
        Map<String, Double> contributions = new LinkedHashMap<>();
        List<String> names = signature.featureNames();
        for (int g = 0; g < phi.length; g++) {
            contributions.put(names.get(g), phi[g]);
        }
        return new Explanation(
                estimator.method(),
                quantity,
                label,
                baseValues[target],
                estimator.margins(x)[target],
                contributions,
                background.length,
                0,
                Map.of());
    }

    /**
     * The raw score {@code target} (an index into the estimator's scores) of every row of {@code rows}, as the
     * explanations compute it from the estimator inputs the model makes of them: for a check of the explanations
     * against the Shapley definition on the same quantity.
     */
    double[] margins(Batch rows, int target) throws OrtException {
        EstimatorProbe.Run all = probe.run(rows, 0, rows.size());
        double[] margins = new double[rows.size()];
        for (int r = 0; r < margins.length; r++) {
            margins[r] = estimator.margins(all.features()[r])[target];
        }
        return margins;
    }

    /** @return the estimator's score index of the signature's class {@code label} */
    int scoreOf(String label) {
        return scoreOf[signature.classLabels().indexOf(label)];
    }

    @Override
    public void close() {
        probe.close();
        if (room != null) {
            room.close();
        }
    }
}
