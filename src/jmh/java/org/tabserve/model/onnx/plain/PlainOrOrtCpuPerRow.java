package org.tabserve.model.onnx.plain;

/**
 * {@link PlainOrOrtBenchmark}'s measurements as the thread's own CPU time per row, the engines alternating in rounds
 * within one JVM (on a machine shared with other builds JMH's wall-clock scores swing with the load, a thread's CPU
 * time much less): {@code java -Xss8m -cp target/test-classes:target/classes:<deps>
 * org.tabserve.model.onnx.plain.PlainOrOrtCpuPerRow 2 3 svm linear trees} (seconds a measurement, rounds, models).
 */
public final class PlainOrOrtCpuPerRow {

    private PlainOrOrtCpuPerRow() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String[] models = args.length > 2
                ? java.util.Arrays.copyOfRange(args, 2, args.length)
                : new String[] {"svm", "linear", "trees"};
        for (String model : models) {
            PlainOrOrtBenchmark b = new PlainOrOrtBenchmark();
            b.model = model;
            b.load();
            String[] names = {"plain single", "ort single", "plain batch", "ort batch", "before single", "before batch"
            };
            CpuRounds.Call[] calls = {
                b::plainSingle,
                b::ortSingle,
                b::plainBatchOf1000,
                b::ortBatchOf1000,
                b::beforeSingle,
                b::beforeBatchOf1000
            };
            int[] rows = {1, 1, PlainOrOrtBenchmark.BATCH, PlainOrOrtBenchmark.BATCH, 1, PlainOrOrtBenchmark.BATCH};
            int count = b.isSvm() ? calls.length : 4; // the SVM's earlier kernels only for the SVM
            CpuRounds.print(
                    model + " ",
                    java.util.Arrays.copyOf(names, count),
                    java.util.Arrays.copyOf(calls, count),
                    java.util.Arrays.copyOf(rows, count),
                    seconds,
                    rounds);
            b.close();
        }
    }
}
