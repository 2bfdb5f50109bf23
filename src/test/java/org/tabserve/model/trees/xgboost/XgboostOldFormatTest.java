package org.tabserve.model.trees.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;

/**
 * XGBoost 1.7's JSON (base_score as "5E-1", before the vector form; DART's weight_drop beside its gbtree), made by Debian's python3-xgboost 1.7.4
 * ({@code fixtures/make_xgboost_fixtures.py}): every row's margins equal the recorded Booster.predict(output_margin=True)
 * to the bit, and answers its predict within one float32 ulp.
 */
class XgboostOldFormatTest {

    private static final String DIR = "/org/tabserve/fixtures/xgboost/";

    @ParameterizedTest
    @CsvSource({"binary-1.7, 1", "multi-1.7, 3", "dart-1.7, 1"})
    void answersAsXgboost17Recorded(String name, int margins) throws IOException {
        TrainedForest forest = XgboostReader.read(bytes(name + ".json"), name + ".json", ForestLimits.DEFAULT);
        assertEquals("XGBoost 1.7.4", forest.writtenBy());
        assertEquals(margins, forest.margins());
        if (name.startsWith("binary")) {
            assertEquals("7", forest.facts().get("best_iteration"));
        }
        List<String> lines = new String(bytes(name + ".csv"), StandardCharsets.UTF_8)
                .lines()
                .skip(1)
                .toList();
        assertTrue(lines.size() >= 80);
        int ulps = 0;
        for (String line : lines) {
            String[] cells = line.split("\\|");
            float[] x = floats(cells[0]);
            float[] m = floats(cells[1]);
            float[] a = floats(cells[2]);
            double[] row = Xgb4j.row(x);
            double[] got = new double[margins];
            forest.margins(row, got);
            for (int j = 0; j < margins; j++) {
                assertEquals(Float.floatToIntBits(m[j]), Float.floatToIntBits((float) got[j]), name + ": " + line);
            }
            double[] scores = new double[Math.max(2, margins)];
            forest.answer(row, scores);
            float[] expected = name.startsWith("binary") ? new float[] {1.0f - a[0], a[0]} : a;
            for (int j = 0; j < expected.length; j++) {
                int diff = Math.abs(Float.floatToIntBits(expected[j]) - Float.floatToIntBits((float) scores[j]));
                assertTrue(diff <= 1, name + ": " + line);
                ulps += diff;
            }
        }
        System.out.println(name + ": " + lines.size() + " rows, answers 1 ulp apart: " + ulps);
    }

    private static float[] floats(String cell) {
        String[] parts = cell.strip().split(" ");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(parts[i], 16));
        }
        return out;
    }

    static byte[] bytes(String name) throws IOException {
        try (InputStream in = XgboostOldFormatTest.class.getResourceAsStream(DIR + name)) {
            return in.readAllBytes();
        }
    }
}
