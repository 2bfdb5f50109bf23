import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * Rough timing of the model core on this machine, after a warm-up, on the bundled model and the bank-note data: one
 * call with a 1,000-row batch, one call with a single row, and single rows from 1, 16 and 64 threads at once (process
 * CPU per prediction: what one ONNX Runtime call costs when many run at once). Run by bench/model-core.
 */
public final class ModelCoreTiming {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        try (Model classifier = OnnxModelLoader.load(Path.of("model.onnx"))) {
            double[][] rows = new double[1000][];
            for (int i = 1; i <= rows.length; i++) {
                String[] fields = lines.get(i).split(",");
                List<String> features = classifier.signature().featureNames();
                rows[i - 1] = new double[features.size()];
                for (int f = 0; f < features.size(); f++) {
                    rows[i - 1][f] = Double.parseDouble(fields[header.indexOf(features.get(f))]);
                }
            }
            for (int i = 0; i < 300; i++) {
                classifier.predict(rows);
            }
            int calls = 500;
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                classifier.predict(rows);
            }
            long batch = System.nanoTime() - start;
            System.out.printf(
                    "1,000-row batch: %.3f ms per call, %.0f ns per row (%d calls)%n",
                    batch / 1e6 / calls, batch / 1e3 / calls, calls);
            int singles = 20_000;
            start = System.nanoTime();
            for (int i = 0; i < singles; i++) {
                classifier.predict(rows[i % rows.length]);
            }
            System.out.printf(
                    "single row: %.1f us per call (%d calls)%n", (System.nanoTime() - start) / 1e3 / singles, singles);

            for (int threads : new int[] {1, 16, 64}) {
                for (int round = 0; round < 3; round++) {
                    double cpu = cpuPerPrediction(classifier, rows, threads, 2_000);
                    if (round > 0) {
                        System.out.printf(
                                "%2d threads (round %d): %.1f us of process CPU per single-row prediction%n",
                                threads, round, cpu);
                    }
                }
            }
        }
    }

    /** Runs single-row predictions from {@code threads} threads for {@code millis} and returns CPU µs per call. */
    private static double cpuPerPrediction(Model model, double[][] rows, int threads, long millis)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t * 37;
            Thread worker = new Thread(
                    null,
                    () -> {
                        started.countDown();
                        int i = offset;
                        while (!stop.get()) {
                            model.predict(rows[i++ % rows.length]);
                            done.increment();
                        }
                    },
                    "worker-" + t,
                    8L << 20);
            workers.add(worker);
            worker.start();
        }
        started.await();
        long cpu0 = OS.getProcessCpuTime();
        long n0 = done.sum();
        Thread.sleep(millis);
        long cpu1 = OS.getProcessCpuTime();
        long n1 = done.sum();
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        return (cpu1 - cpu0) / 1e3 / (n1 - n0);
    }
}
