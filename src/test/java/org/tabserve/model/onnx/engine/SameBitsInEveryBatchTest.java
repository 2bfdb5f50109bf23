package org.tabserve.model.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.read.RowsReader;

/**
 * Issue 66, item 2: a row's answer has the same bits alone, in a batch of 17, in batches of 1,000, and in an upload's
 * chunks ({@link RowsReader#CHUNK_ROWS} rows, then the one row past them alone in its chunk), for every fixture model
 * and the bundled one, whichever engine the model uses. Before, a model whose graph has a linear estimator answered
 * batches of up to 16 rows in plain Java and larger ones in ONNX Runtime, whose answers differ in their last bits (the
 * quick start's iris classifier: 9.268640447742165E-19 alone, 9.268676636893964E-19 in a batch of 17).
 */
class SameBitsInEveryBatchTest {

    private static final int ROWS = RowsReader.CHUNK_ROWS + 1;

    static Stream<Path> models() throws IOException {
        List<Path> all = new ArrayList<>(List.of(Path.of("model.onnx")));
        try (Stream<Path> files = Files.walk(Path.of("src/test/resources/org/tabserve/fixtures"))) {
            files.filter(f -> f.toString().endsWith(".onnx")).sorted().forEach(all::add);
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("models")
    void aRowHasTheSameBitsAloneAndInBatchesOfEverySize(Path file) {
        try (Model model = OnnxModelLoader.load(file)) {
            List<Object[]> distinct = PlainCheck.rows(model.card(), model.signature());
            assertTrue(distinct.size() > 100, distinct.size() + " rows");
            List<Object[]> rows = new ArrayList<>();
            while (rows.size() < ROWS) {
                rows.add(distinct.get(rows.size() % distinct.size()));
            }
            List<Prediction> alone = new ArrayList<>();
            for (Object[] row : rows.subList(0, distinct.size())) {
                alone.addAll(model.predict(Batch.of(model.signature(), List.<Object[]>of(row))));
            }
            String engine = model.engine().name();
            for (int size : new int[] {17, 1_000, RowsReader.CHUNK_ROWS, ROWS}) {
                for (int from = 0; from < ROWS; from += size) {
                    List<Object[]> part = rows.subList(from, Math.min(ROWS, from + size));
                    List<Prediction> answers = model.predict(Batch.of(model.signature(), part));
                    for (int r = 0; r < part.size(); r++) {
                        int row = from + r;
                        assertEquals(
                                bits(alone.get(row % distinct.size())),
                                bits(answers.get(r)),
                                engine + ": row " + row + " alone and in a batch of " + part.size());
                    }
                }
            }
        }
    }

    /** @return the answer's label and each number's bits */
    private static String bits(Prediction prediction) {
        if (prediction instanceof Prediction.Regression regression) {
            return Long.toHexString(Double.doubleToRawLongBits(regression.value())) + " (" + regression.value() + ")";
        }
        Prediction.Classification c = prediction.classification();
        StringBuilder bits = new StringBuilder(c.label());
        for (double p : c.probabilities()) {
            bits.append(' ')
                    .append(Long.toHexString(Double.doubleToRawLongBits(p)))
                    .append(" (")
                    .append(p)
                    .append(')');
        }
        return bits.toString();
    }
}
