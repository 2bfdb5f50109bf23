package org.tabserve.model.conformal;

import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * How sure one answer is at a coverage, from a card's conformal calibration: a regressor's interval or a classifier's
 * prediction set, and the row's novelty where the card can tell; made one way for the server's answers and for other
 * engines that embed the model core.
 */
public final class RowUncertainty {

    private final Conformal conformal;
    private final double coverage;
    private final double[] q;

    private RowUncertainty(Conformal conformal, double coverage, double[] q) {
        this.conformal = conformal;
        this.coverage = coverage;
        this.q = q;
    }

    /**
     * @param conformal the card's calibration
     * @param coverage  the coverage asked for
     * @throws IllegalArgumentException when the calibration has too few rows for that coverage, in words
     */
    public static RowUncertainty at(Conformal conformal, double coverage) {
        return new RowUncertainty(conformal, coverage, conformal.quantiles(coverage));
    }

    /** @return the coverage asked for */
    public double coverage() {
        return coverage;
    }

    /** @return whether each row's novelty is measured: the card has a novelty reference and a background */
    public boolean measuresNovelty() {
        return conformal.novelty() != null && conformal.novelty().distance() != null;
    }

    /**
     * @param rows   the rows scored
     * @param row    the row's index in {@code rows}
     * @param answer the model's answer to that row
     * @return the row's uncertainty
     */
    public Uncertainty of(Batch rows, int row, Prediction answer) {
        Uncertainty.RowNovelty rowNovelty = null;
        if (measuresNovelty()) {
            Conformal.Novelty novelty = conformal.novelty();
            double p = novelty.pValue(novelty.distance().of(rows, row));
            rowNovelty = new Uncertainty.RowNovelty(p, p < novelty.threshold());
        }
        return answer instanceof Prediction.Regression regression
                ? new Uncertainty(
                        coverage, conformal.clippedInterval(regression.value(), q[0], coverage), null, rowNovelty)
                : new Uncertainty(coverage, null, conformal.predictionSet(answer.classification(), q), rowNovelty);
    }
}
