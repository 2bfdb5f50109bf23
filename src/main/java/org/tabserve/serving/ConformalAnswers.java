package org.tabserve.serving;

import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.conformal.RowUncertainty;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.serving.budget.ServingException;

/**
 * How sure each answer of a request is, at the coverage it asked for ({@code coverage}): the interval or prediction
 * set of the model's card's calibration ({@link Conformal}) for each row, and each row's novelty, counted per model;
 * the same for every transport. Only a request that asks pays for it: a row's novelty is one pass over the card's
 * background sample.
 */
final class ConformalAnswers implements AnswerAssembler.Covering {

    /** Said to a request for coverage on a model whose card has no calibration. */
    static final String HOW_TO_CALIBRATE = "give it one with the card command's --calibration, naming a labelled CSV"
            + " of rows the model was not trained on: java -jar tabserve.war card --model MODEL.onnx --data"
            + " TRAINING.csv --label COLUMN --out OUT.onnx --calibration HELD_OUT.csv";

    private final ResolvedModel model;
    private final RowUncertainty rows;

    private ConformalAnswers(ResolvedModel model, RowUncertainty rows) {
        this.model = model;
        this.rows = rows;
    }

    /**
     * Checks, before a row is scored, that the request's model can answer the coverage asked for.
     *
     * @param coverage the coverage asked for, checked by {@link CoverageField}, or null when none was
     * @return what answers the request's rows, or null when no coverage was asked for
     * @throws ServingException naming {@code coverage} when the model's card has no calibration, or too few rows for
     *                          that coverage, in words
     */
    static ConformalAnswers asked(ResolvedModel model, Double coverage) {
        if (coverage == null) {
            return null;
        }
        Conformal conformal = model.model().card().conformal();
        if (conformal == null) {
            throw ServingException.invalidField(
                    CoverageField.NAME,
                    "model '" + model.name() + "' cannot say how sure"
                            + " its answers are: its card has no conformal calibration; " + HOW_TO_CALIBRATE);
        }
        try {
            return new ConformalAnswers(model, RowUncertainty.at(conformal, coverage));
        } catch (IllegalArgumentException e) {
            throw ServingException.invalidField(
                    CoverageField.NAME,
                    "model '" + model.name() + "': " + e.getMessage() + "; ask for at most "
                            + Math.floor(conformal.largestCoverage() * 1000) / 1000);
        }
    }

    /** @return whether each row's novelty is measured: the card has a novelty reference and a background */
    @Override
    public boolean novelty() {
        return this.rows.measuresNovelty();
    }

    /** @return the coverage asked for */
    public double coverage() {
        return rows.coverage();
    }

    /**
     * @param predictions the model's answers to {@code rows}, in order
     * @return each row's uncertainty, in order; each row's novelty is counted under the request's model
     */
    @Override
    public List<Uncertainty> of(Batch rows, List<Prediction> predictions) {
        List<Uncertainty> answers = new ArrayList<>(predictions.size());
        int novel = 0;
        for (int r = 0; r < predictions.size(); r++) {
            Uncertainty answer = this.rows.of(rows, r, predictions.get(r));
            novel += answer.novelty() != null && answer.novelty().novel() ? 1 : 0;
            answers.add(answer);
        }
        if (this.rows.measuresNovelty()) {
            model.novelty(predictions.size(), novel);
        }
        return answers;
    }
}
