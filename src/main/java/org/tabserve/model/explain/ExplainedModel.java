package org.tabserve.model.explain;

import java.util.List;
import java.util.Optional;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;

/**
 * What an explanation asks of the model it explains: its signature, its card's background, its answers to batches of
 * mixed rows, and its own exact explainer where it has one. The {@code Model} interface extends it; an explainer
 * needs no more of it, so that explanations stand below the model that offers them.
 */
public interface ExplainedModel {

    /** @return what the model takes and gives */
    ModelSignature signature();

    /** @return what the model says about itself, its background sample among it */
    ModelCard card();

    /**
     * Predicts a batch checked against this model's {@link #signature()}.
     *
     * @return one prediction per row, in the same order
     */
    List<Prediction> predict(Batch batch);

    /** @return an exact explainer from the model's structure against its card's background sample, or empty */
    Optional<StructuralExplainer> structuralExplainer();
}
