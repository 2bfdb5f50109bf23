package org.tabserve.model.onnx.plain;

/**
 * {@link TreesAtTheFloorBenchmark}'s six measurements as the thread's own CPU time per row rather than wall time: on
 * a machine shared with other builds JMH's wall-clock scores swing with the load, a thread's CPU time much less. Each
 * measurement runs {@code seconds} of CPU after as long a warm-up, in rounds alternating the engines:
 * {@code java -cp target/test-classes:<deps> org.tabserve.model.onnx.plain.TreesCpuPerRow 3 5} (seconds, rounds).
 */
public final class TreesCpuPerRow {

    private TreesCpuPerRow() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        TreesAtTheFloorBenchmark b = new TreesAtTheFloorBenchmark();
        b.load();
        TreeWalker walker = new TreeWalker(b.definition());
        float[] scores = new float[2];
        int[] labels = new int[1];
        CpuRounds.Call walk = () -> {
            walker.scoreFloats(b.nextRow(), 1, 4, scores, labels);
            return scores[1];
        };
        String[] names = {
            "walker single", "plain single", "plain batch", "ort single", "ort batch", "before single", "before batch"
        };
        CpuRounds.Call[] calls = {
            walk,
            b::plainSingle,
            b::plainBatchOf1000,
            b::ortSingle,
            b::ortBatchOf1000,
            b::definitionSingle,
            b::definitionBatchOf1000
        };
        int[] rows = {1, 1, 1000, 1, 1000, 1, 1000};
        CpuRounds.print("", names, calls, rows, seconds, rounds);
        b.close();
    }
}
