package org.tabserve.serving.feedback;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.tabserve.model.onnx.plain.CpuRounds;
import org.tabserve.model.signature.Prediction;

/**
 * What keeping one single-row answer for its labels costs at a full room, as under a single-row load, in the
 * thread's CPU time and allocated bytes ({@link RecentAnswers}: a full room freed with a slack, two locks an answer;
 * bench/RESULTS.notes.md, "Single-row CPU, round 5", has the figures of the version before, measured against a copy of
 * it), with 1 or 2 threads keeping answers in the same version (the second one unmeasured):
 * {@code java -cp target/test-classes:target/classes:<deps> org.tabserve.serving.feedback.AnswersKeptCpu 2 5 1}
 * (seconds of CPU per measurement, rounds, threads).
 */
public final class AnswersKeptCpu {

    private static final List<String> CLASSES = List.of("0", "1");
    /** About 17,000 one-row answers, the room of a budget of 128 MB. */
    private static final long ROOM = 8L << 20;

    private static final String CLIENT = "127.0.0.1";
    private static final String[] IDS = new String[1 << 20];
    private static volatile int active;

    private AnswersKeptCpu() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        for (int i = 0; i < IDS.length; i++) {
            IDS[i] = UUID.randomUUID().toString();
        }
        List<Prediction> row = List.of(new Prediction.Classification("1", CLASSES, List.of(0.1, 0.9)));
        RecentAnswers after = new RecentAnswers(CLASSES, new AnswerRoom(ROOM));
        Keeper[] keepers = {(now, id) -> after.keep(now, id, 0, row, CLIENT)};
        String[] names = {"kept"};
        CpuRounds.Call[] calls = new CpuRounds.Call[keepers.length];
        for (int k = 0; k < keepers.length; k++) {
            Keeper keeper = keepers[k];
            int which = k;
            int[] next = {0};
            for (int i = 0; i < 100_000; i++) { // a full room
                keeper.keep(System.nanoTime(), IDS[next[0]++ & (IDS.length - 1)]);
            }
            calls[k] = () -> {
                if (active != which) {
                    active = which;
                }
                return keeper.keep(System.nanoTime(), IDS[next[0]++ & (IDS.length - 1)]) ? 1 : 0;
            };
        }
        for (int t = 1; t < threads; t++) {
            Thread other = new Thread(() -> {
                int[] next = {IDS.length / 2};
                while (true) {
                    keepers[active].keep(System.nanoTime(), IDS[next[0]++ & (IDS.length - 1)]);
                }
            });
            other.setDaemon(true);
            other.start();
        }
        System.out.printf(Locale.ROOT, "%d thread(s), %d answers kept in each%n", threads, after.size());
        CpuRounds.print(threads + " thread(s) ", names, calls, new int[] {1}, seconds, rounds);
        if (threads == 1) {
            for (int i = 0; i < calls.length; i++) {
                System.out.printf(
                        Locale.ROOT,
                        "%s: %.1f bytes allocated an answer%n",
                        names[i],
                        CpuRounds.allocatedPerCall(calls[i]));
            }
        }
    }

    /** Keeps one answer of request {@code id} at {@code now}. */
    private interface Keeper {
        boolean keep(long now, String id);
    }
}
