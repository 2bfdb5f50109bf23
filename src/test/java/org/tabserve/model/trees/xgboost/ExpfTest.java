package org.tabserve.model.trees.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Expf} answers glibc's {@code expf} to the bit on the sample {@code fixtures/make_expf_vectors.py} recorded:
 * every value of two million where glibc's differs from the float nearest e^x, a thousand others, and the ends of the
 * range (overflow, underflow, infinities, zeros).
 */
class ExpfTest {

    @Test
    void everyRecordedValueIsGlibcsToTheBit() throws Exception {
        List<String> wrong = new ArrayList<>();
        int values = 0;
        int notNearest = 0;
        for (String line :
                Files.readAllLines(Path.of("src/test/resources/org/tabserve/fixtures/expf/glibc-expf.txt"))) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] pair = line.split(" ");
            float x = Float.intBitsToFloat(Integer.parseUnsignedInt(pair[0], 16));
            int expected = Integer.parseUnsignedInt(pair[1], 16);
            values++;
            if (Float.floatToRawIntBits(Expf.of(x)) != expected) {
                wrong.add(x + ": " + Expf.of(x) + " against glibc's " + Float.intBitsToFloat(expected));
            }
            if (Float.floatToRawIntBits((float) Math.exp(x)) != expected) {
                notNearest++;
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())), wrong.size() + " of " + values);
        assertTrue(values > 2_000 && notNearest > 1_000, values + " values, " + notNearest + " not the nearest float");
    }
}
