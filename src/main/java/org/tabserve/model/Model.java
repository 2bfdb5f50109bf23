package org.tabserve.model;

import java.util.List;
import java.util.Optional;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.explain.ExplainedModel;
import org.tabserve.model.explain.StructuralExplainer;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.ValueOutput;

/**
 * A loaded tabular model as everything outside {@code model/} sees it, so that routes, the repository and the
 * commands never name the runtime that runs it ({@code model.onnx} holds the ONNX Runtime one and its loader).
 *
 * <p>Thread-safety: one instance is shared by all request threads; {@link #close()} may come at any time and frees
 * the model only after the last prediction inside it returns.
 */
public interface Model extends ExplainedModel, AutoCloseable {

    /** @return what the model takes and gives */
    @Override
    ModelSignature signature();

    /**
     * @return a regressor's output tensor, named and typed as the graph has it (for protocols that name outputs);
     *         empty for a classifier
     */
    Optional<ValueOutput> valueOutput();

    /** @return what the model says about itself */
    @Override
    ModelCard card();

    /** @return the SHA-256 of the model file, in lower-case hex */
    String sha256();

    /** @return where the model was loaded from */
    String source();

    /**
     * Predicts one row of plain numbers (see {@link #predict(double[][])}).
     *
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} naming each bad value, or
     *                        {@link ModelException.Kind#PREDICTION_FAILED}
     */
    default Prediction predict(double[] row) {
        return predict(new double[][] {row}).get(0);
    }

    /**
     * Predicts rows of plain numbers, for a model whose features are all numbers that may not be missing.
     *
     * @param rows values in {@link ModelSignature#featureNames()} order, one array per row
     * @return one prediction per row, in the same order
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} naming every bad value with its row, or
     *                        {@link ModelException.Kind#PREDICTION_FAILED}
     */
    List<Prediction> predict(double[][] rows);

    /**
     * Predicts a batch checked against this model's {@link #signature()}.
     *
     * @return one prediction per row, in the same order
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} for rows whose values make the model return
     *                        no finite answer, or {@link ModelException.Kind#PREDICTION_FAILED}
     * @throws IllegalArgumentException when the batch was checked against another model's signature
     */
    @Override
    List<Prediction> predict(Batch batch);

    /** @return the file it was read from: its format and what wrote it (an ONNX file's producer by default) */
    default ModelFormat format() {
        return new ModelFormat(ModelFormat.ONNX, card().producer());
    }

    /** @return which engine computes this model's answers, and why */
    default Engine engine() {
        return Engine.onnxRuntime("every answer comes from ONNX Runtime");
    }

    /**
     * @return an exact explainer from the model's structure against its card's background sample, when the model
     *         has one that the structure allows (see {@link StructuralExplainer}); empty otherwise
     */
    @Override
    default Optional<StructuralExplainer> structuralExplainer() {
        return Optional.empty();
    }

    /**
     * Releases the model once no prediction is inside it: at once when none is, otherwise when the last one returns
     * (on its thread). New predictions are refused from now on. Closing twice is harmless.
     */
    @Override
    void close();
}
