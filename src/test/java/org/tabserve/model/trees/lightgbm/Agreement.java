package org.tabserve.model.trees.lightgbm;

import org.tabserve.model.signature.Task;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.testing.ForestTraining;

/**
 * Holds the reader's forest to LightGBM's own predictions of the same text model, row by row, to the bit
 * ({@link Double#doubleToLongBits}): margins against {@code C_API_PREDICT_RAW_SCORE}, answers against
 * {@code C_API_PREDICT_NORMAL} (a binary classifier's {@code p} against its second score, the first being
 * {@code 1 - p}).
 *
 * @param rows           rows compared
 * @param marginsDiffer  rows whose margins differ in any bit
 * @param answersDiffer  rows whose answers differ in any bit
 * @param answersPastUlp rows whose answers differ by more than one ulp
 * @param maxUlps        the most doubles between one of our answers and LightGBM's
 */
record Agreement(int rows, int marginsDiffer, int answersDiffer, int answersPastUlp, long maxUlps) {

    static Agreement of(String model, double[] x, int cols) throws Exception {
        TrainedForest forest = LightgbmReader.read(
                model.getBytes(java.nio.charset.StandardCharsets.UTF_8), "model.txt", ForestLimits.DEFAULT);
        return of(forest, model, x, cols);
    }

    static Agreement of(TrainedForest forest, String model, double[] x, int cols) throws Exception {
        int rows = x.length / cols;
        int k = forest.margins();
        double[] raw = ForestTraining.lightgbmPredict(model, x, rows, cols, k, true);
        double[] normal = ForestTraining.lightgbmPredict(model, x, rows, cols, k, false);
        boolean average = "true".equals(forest.facts().get("average_output"));
        int iterations = forest.trees() / k;
        boolean binary = forest.task() == Task.CLASSIFICATION && k == 1;
        double[] margins = new double[k];
        double[] scores = new double[binary ? 2 : k];
        int marginsDiffer = 0;
        int answersDiffer = 0;
        int pastUlp = 0;
        long maxUlps = 0;
        for (int r = 0; r < rows; r++) {
            double[] row = java.util.Arrays.copyOfRange(x, r * cols, r * cols + cols);
            forest.margins(row, margins);
            forest.answer(row, scores);
            boolean marginDiffers = false;
            boolean answerDiffers = false;
            boolean past = false;
            for (int c = 0; c < k; c++) {
                // LightGBM's raw score of a random forest is its trees' sum; its predict divides it by the iterations
                double margin = average ? raw[r * k + c] / iterations : raw[r * k + c];
                marginDiffers |= Double.doubleToLongBits(margins[c]) != Double.doubleToLongBits(margin);
                double ours = binary ? scores[1] : scores[c];
                double theirs = normal[r * k + c];
                answerDiffers |= Double.doubleToLongBits(ours) != Double.doubleToLongBits(theirs);
                past |= Double.doubleToLongBits(ours) != Double.doubleToLongBits(theirs)
                        && !(Math.abs(ours - theirs) <= Math.ulp(theirs));
                maxUlps = Math.max(maxUlps, ulps(ours, theirs));
                if (binary) {
                    answerDiffers |= Double.doubleToLongBits(scores[0]) != Double.doubleToLongBits(1.0 - theirs);
                }
            }
            marginsDiffer += marginDiffers ? 1 : 0;
            answersDiffer += answerDiffers ? 1 : 0;
            pastUlp += past ? 1 : 0;
        }
        return new Agreement(rows, marginsDiffer, answersDiffer, pastUlp, maxUlps);
    }

    /** @return how many doubles lie from {@code a} to {@code b} (both finite and of one sign, else 0 when equal) */
    static long ulps(double a, double b) {
        if (Double.doubleToLongBits(a) == Double.doubleToLongBits(b)) {
            return 0;
        }
        if (Double.isNaN(a) || Double.isNaN(b) || Math.signum(a) != Math.signum(b)) {
            return Long.MAX_VALUE;
        }
        return Math.abs(Double.doubleToLongBits(a) - Double.doubleToLongBits(b));
    }
}
