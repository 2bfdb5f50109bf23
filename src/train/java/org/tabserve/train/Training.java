package org.tabserve.train;

import ai.onnx.proto.OnnxMl;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.tabserve.cardmaking.CardFile;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The whole path from a labelled table to ONNX bytes: a held-out split, a cross-validated choice among
 * {@link Candidate}s on the training side only, one final fit, an evaluation on the held-out rows, and the export
 * with the card. Everything is seeded, so the same data gives the same bytes.
 */
final class Training {

    /** The seed of every split and trainer. */
    static final long SEED = 20260101L;
    /** Share of each class's rows held out for the final evaluation. */
    static final double TEST_FRACTION = 0.3;
    /** Folds of the cross-validation that picks the trainer. */
    static final int FOLDS = 5;

    private static final LabelFactory LABELS = new LabelFactory();
    /** A fixed time for Tribuo's data provenance, which is dropped from the export anyway. */
    private static final OffsetDateTime EPOCH = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    /** How one candidate did in cross-validation. */
    record Score(Candidate candidate, double accuracy, double logLoss) {}

    /**
     * What training produced.
     *
     * @param data       the table it read
     * @param split      the held-out split (indices into {@code data})
     * @param scores     every candidate's cross-validation score, best first
     * @param model      the chosen candidate trained on the training side
     * @param evaluation the model on the held-out rows
     * @param onnx       the ONNX file's bytes, card included
     */
    record Result(
            LabeledData data,
            StratifiedSplits.Split split,
            List<Score> scores,
            Model<Label> model,
            LabelEvaluation evaluation,
            byte[] onnx) {
        Score chosen() {
            return scores.get(0);
        }
    }

    private Training() {}

    /** Trains on {@code data} and describes the result with {@code description}. */
    static Result run(LabeledData data, ModelDescription description) {
        libsvm.svm.svm_set_print_string_function(line -> {}); // LibSVM prints every optimisation step otherwise
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            all.add(i);
        }
        StratifiedSplits.Split split = StratifiedSplits.holdOut(all, data, TEST_FRACTION, SEED);
        List<Score> scores = crossValidate(data, split.train(), Candidate.grid(SEED));
        Candidate chosen = scores.get(0).candidate();
        Model<Label> model = chosen.newTrainer().train(dataset(data, split.train()));
        LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, dataset(data, split.test()));

        OnnxMl.ModelProto exported = DataColumnOrder.reorder(
                ((ONNXExportable) model).exportONNXModel("org.tabserve", 1),
                data.featureNames(),
                TrainingCard.tribuoFeatureOrder(model));
        byte[] graph = exported.toBuilder()
                .clearMetadataProps() // Tribuo's provenance holds timestamps and host details
                .setDocString(description.description())
                .build()
                .toByteArray();
        byte[] onnx;
        try {
            // The card goes in through the same writer as the card command's: the graph's bytes stay as exported.
            onnx = CardFile.withCard(graph, TrainingCard.card(description, data, split, scores, model));
        } catch (OnnxFormatException e) {
            throw new IllegalStateException("Tribuo's export is not a well-formed ONNX model", e);
        }
        return new Result(data, split, scores, model, evaluation, onnx);
    }

    /** Scores every candidate by stratified k-fold cross-validation on {@code rows}; best first. */
    static List<Score> crossValidate(LabeledData data, List<Integer> rows, List<Candidate> candidates) {
        List<StratifiedSplits.Split> folds = StratifiedSplits.kFold(rows, data, FOLDS, SEED);
        List<Score> scores = new ArrayList<>();
        for (Candidate candidate : candidates) {
            int correct = 0;
            int total = 0;
            double logLoss = 0;
            for (StratifiedSplits.Split fold : folds) {
                Model<Label> model = candidate.newTrainer().train(dataset(data, fold.train()));
                for (int row : fold.test()) {
                    Prediction<Label> prediction = model.predict(example(data, row));
                    String truth = data.labels().get(row);
                    if (prediction.getOutput().getLabel().equals(truth)) {
                        correct++;
                    }
                    Label scored = prediction.getOutputScores().get(truth);
                    double p = scored == null ? 0 : scored.getScore();
                    logLoss -= Math.log(Math.max(p, 1e-15));
                    total++;
                }
            }
            scores.add(new Score(candidate, (double) correct / total, logLoss / total));
        }
        // Best accuracy first; ties broken by the better-calibrated probabilities, then by grid order.
        scores.sort(Comparator.comparingDouble((Score s) -> -s.accuracy()).thenComparingDouble(Score::logLoss));
        return List.copyOf(scores);
    }

    static MutableDataset<Label> dataset(LabeledData data, List<Integer> rows) {
        MutableDataset<Label> dataset =
                new MutableDataset<>(new SimpleDataSourceProvenance(data.file(), EPOCH, LABELS), LABELS);
        for (int row : rows) {
            dataset.add(example(data, row));
        }
        return dataset;
    }

    static Example<Label> example(LabeledData data, int row) {
        return new ArrayExample<>(
                new Label(data.labels().get(row)),
                data.featureNames().toArray(String[]::new),
                data.rows().get(row).clone());
    }
}
