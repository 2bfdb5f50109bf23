package org.tabserve.model.onnx;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;

/**
 * The model core's CPU time per row, the thread's own (not wall time), for the penguins classifier and the bank-note
 * model at batches of 1, 100 and 10,000: on a machine shared with other builds, wall-clock scores (JMH's) swing with
 * the load while a thread's CPU time holds still. Uses only public API, so one compiled copy runs against two builds
 * of the core for an alternating comparison:
 * {@code java -cp <this>:<build>/classes:<deps> org.tabserve.model.CpuPerRow 3} (seconds per measurement).
 */
public final class CpuPerRow {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    private CpuPerRow() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String name : List.of("penguins", "banknote")) {
            try (Model model = OnnxModelLoader.load(
                    name.equals("penguins") ? PENGUINS.resolve("species-zipmap.onnx") : Path.of("model.onnx"))) {
                List<Object[]> all = rows(name, model.signature());
                StringBuilder line = new StringBuilder(name);
                for (int size : new int[] {1, 100, 10_000}) {
                    List<Object[]> rows = all.subList(0, size);
                    measure(model, rows, seconds, threads); // warm-up
                    double cpu = measure(model, rows, seconds, threads);
                    line.append(String.format("  %d rows: %,.0f ns CPU/row", size, cpu / size));
                }
                System.out.println(line);
            }
        }
    }

    /** CPU nanoseconds of this thread per call: checking the cells into a batch and predicting it. */
    private static double measure(Model model, List<Object[]> rows, double seconds, ThreadMXBean threads) {
        long deadline = threads.getCurrentThreadCpuTime() + (long) (seconds * 1e9);
        long start = threads.getCurrentThreadCpuTime();
        long calls = 0;
        long now;
        do {
            model.predict(Batch.of(model.signature(), rows));
            calls++;
            now = threads.getCurrentThreadCpuTime();
        } while (now < deadline);
        return (double) (now - start) / calls;
    }

    private static List<Object[]> rows(String name, ModelSignature signature) throws Exception {
        boolean penguins = name.equals("penguins");
        List<String> lines = Files.readAllLines(
                penguins ? PENGUINS.resolve("species-zipmap.inputs.csv") : Path.of("data/BankNote_Authentication.csv"));
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<Feature> features = signature.features();
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < 10_000; r++) {
            String[] fields = lines.get(1 + r % (lines.size() - 1)).split(",", -1);
            Object[] row = new Object[features.size()];
            for (int f = 0; f < row.length; f++) {
                String text = fields[header.indexOf(features.get(f).name())];
                row[f] = features.get(f).type() == ValueType.STRING
                        ? text
                        : text.isEmpty() ? null : (Object) Double.parseDouble(text);
            }
            rows.add(row);
        }
        return rows;
    }
}
