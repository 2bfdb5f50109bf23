package org.tabserve.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tribuo.classification.evaluation.LabelEvaluation;

/**
 * The training command: {@code mvn -Ptrain test-compile exec:java} reads {@code data/BankNote_Authentication.csv},
 * trains, prints the held-out evaluation, writes {@code model.onnx}, and checks the written file with ONNX Runtime.
 */
public final class TrainModel {

    private TrainModel() {}

    /**
     * @param args {@code --data FILE.csv} and {@code --out FILE.onnx}
     */
    public static void main(String[] args) throws IOException {
        Path data = Path.of("data/BankNote_Authentication.csv");
        Path out = Path.of("model.onnx");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                default -> {
                    System.err.println(
                            "usage: TrainModel [--data FILE.csv] [--out FILE.onnx]; unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        long start = System.nanoTime();
        Training.Result result = Training.run(
                LabeledData.read(data, ModelDescription.BANK_NOTES.labelColumn()), ModelDescription.BANK_NOTES);
        long trained = System.nanoTime();
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), "model", ".onnx.tmp");
        Files.write(tmp, result.onnx());
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.print(report(result));
        System.out.printf(
                "training took %.1f s; wrote %s (%d bytes)%n", (trained - start) / 1e9, out, result.onnx().length);
        System.out.println(checkWithOnnxRuntime(result, out));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("missing value after " + args[i - 1]);
            System.exit(2);
        }
        return args[i];
    }

    static String report(Training.Result result) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                "data: %s, %d rows, sha256 %s%n",
                result.data().file(), result.data().size(), result.data().sha256()));
        text.append(String.format(
                "split: %d training rows, %d held-out rows%n",
                result.split().train().size(), result.split().test().size()));
        text.append("cross-validation on the training rows (best first):\n");
        for (Training.Score score : result.scores()) {
            text.append(String.format(
                    "  %-34s accuracy %.4f  log-loss %.4f%n",
                    score.candidate().name(), score.accuracy(), score.logLoss()));
        }
        text.append("chosen: ").append(result.chosen().candidate().name()).append('\n');
        LabelEvaluation evaluation = result.evaluation();
        text.append(String.format("held-out accuracy: %.4f%n", evaluation.accuracy()));
        text.append(evaluation).append('\n');
        text.append(evaluation.getConfusionMatrix()).append('\n');
        return text.toString();
    }

    /** Loads the written file with the serving code and compares its labels with Tribuo's on every row. */
    private static String checkWithOnnxRuntime(Training.Result result, Path file) {
        long start = System.nanoTime();
        try (Model classifier = OnnxModelLoader.load(file)) {
            LabeledData data = result.data();
            List<Prediction> predictions = classifier.predict(Batch.of(
                    classifier.signature(),
                    cellsByName(data, classifier.signature().featureNames())));
            int agree = 0;
            for (int row = 0; row < data.size(); row++) {
                String tribuo = result.model()
                        .predict(Training.example(data, row))
                        .getOutput()
                        .getLabel();
                if (tribuo.equals(predictions.get(row).classification().label())) {
                    agree++;
                }
            }
            return String.format(
                    "ONNX Runtime check: %d/%d rows agree with Tribuo (%.1f ms for the batch of all rows)",
                    agree, data.size(), (System.nanoTime() - start) / 1e6);
        }
    }

    /** The data's rows as cells in the model's feature order, matched by name as a server matches named values. */
    static List<Object[]> cellsByName(LabeledData data, List<String> modelOrder) {
        List<Object[]> cells = new java.util.ArrayList<>(data.size());
        for (double[] row : data.rows()) {
            Object[] ordered = new Object[modelOrder.size()];
            for (int i = 0; i < ordered.length; i++) {
                ordered[i] = row[data.featureNames().indexOf(modelOrder.get(i))];
            }
            cells.add(ordered);
        }
        return cells;
    }
}
