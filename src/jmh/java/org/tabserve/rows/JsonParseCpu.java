package org.tabserve.rows;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.rows.json.JsonRowsParser;

/**
 * Thread CPU time of {@link JsonRowsParser#parse} for one JSON row and per row of 10,000 (the bank-note model's
 * signature, no model run): on a machine shared with other builds, wall-clock scores (JMH's) swing with the load while
 * a thread's CPU time holds still. Like {@code CpuPerRow}, one compiled copy runs against two builds for an
 * alternating comparison: {@code java -cp <this>:<build>/classes:<deps> org.tabserve.rows.JsonParseCpu 3 <label>}
 * (seconds per measurement, a label for the line).
 */
public final class JsonParseCpu {

    private JsonParseCpu() {}

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[0]);
        ModelSignature sig = ModelSignature.floatClassifier(
                "input",
                List.of("variance", "skewness", "curtosis", "entropy"),
                List.of("0", "1"),
                OutputKind.PROBABILITIES);
        byte[] one = "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}"
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < 10_000; i++) {
            b.append(i == 0 ? "" : ", ").append(new String(one, StandardCharsets.UTF_8));
        }
        byte[] many = b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        measure(sig, one, seconds, t);
        double single = measure(sig, one, seconds, t);
        measure(sig, many, seconds, t);
        double batch = measure(sig, many, seconds, t) / 10_000;
        System.out.printf(
                "%s single row: %,.0f ns CPU/parse   10,000 rows: %,.0f ns CPU/row%n", args[1], single, batch);
    }

    private static double measure(ModelSignature sig, byte[] body, double seconds, ThreadMXBean t) throws Exception {
        long start = t.getCurrentThreadCpuTime();
        long deadline = start + (long) (seconds * 1e9);
        long calls = 0;
        long now;
        int sink = 0;
        do {
            sink += new JsonRowsParser(sig, 10_000)
                    .parse(new ByteArrayInputStream(body))
                    .rows()
                    .size();
            calls++;
            now = t.getCurrentThreadCpuTime();
        } while (now < deadline);
        if (sink == 42) {
            System.out.println(); // keeps the results alive
        }
        return (double) (now - start) / calls;
    }
}
