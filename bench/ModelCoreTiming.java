import org.tabserve.model.OnnxModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rough timing of the model core on this machine: one call with a 1,000-row batch and one call with a single row,
 * after a warm-up, on the bundled model and the first rows of the bank-note data. Run by bench/model-core.
 */
public final class ModelCoreTiming {

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        try (OnnxModel classifier = OnnxModel.load(Path.of("model.onnx"))) {
            List<Map<String, Double>> named = new ArrayList<>();
            for (int i = 1; i <= 1000; i++) {
                String[] fields = lines.get(i).split(",");
                Map<String, Double> row = new HashMap<>();
                for (String feature : classifier.signature().featureNames()) {
                    row.put(feature, Double.parseDouble(fields[header.indexOf(feature)]));
                }
                named.add(row);
            }
            double[][] rows = classifier.signature().orderRows(named);
            for (int i = 0; i < 300; i++) {
                classifier.predict(rows);
            }
            int calls = 500;
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                classifier.predict(rows);
            }
            long batch = System.nanoTime() - start;
            System.out.printf("1,000-row batch: %.3f ms per call, %.0f ns per row (%d calls)%n",
                    batch / 1e6 / calls, batch / 1e3 / calls, calls);
            int singles = 20_000;
            start = System.nanoTime();
            for (int i = 0; i < singles; i++) {
                classifier.predict(rows[i % rows.length]);
            }
            System.out.printf("single row: %.1f us per call (%d calls)%n", (System.nanoTime() - start) / 1e3 / singles, singles);
        }
    }
}
