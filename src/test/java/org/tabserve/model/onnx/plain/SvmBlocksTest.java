package org.tabserve.model.onnx.plain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.graph.ml.MlModels.floats;
import static org.tabserve.model.onnx.graph.ml.MlModels.ints;
import static org.tabserve.model.onnx.graph.ml.MlModels.text;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.ml.MlModels;
import org.tabserve.model.onnx.graph.ml.SvmClassifier;

/**
 * Issues 50 and 49: the SVC computed in blocks of rows ({@link SvmKernels}, {@link FloatExp}) answers as ONNX Runtime
 * for every kernel, two and three classes, in batches that take the scalar path (fewer than
 * {@link SvmKernels#LAID_OUT} rows), one block and several with a partial last one; a row's answer does not depend on
 * the batch it comes in (bit for bit); and the two-class coupling is the general one's, bit for bit.
 */
class SvmBlocksTest {

    private static final int FEATURES = 4;

    @ParameterizedTest
    @CsvSource({
        "RBF, 2",
        "RBF, 3",
        "LINEAR, 2",
        "LINEAR, 3",
        "POLY, 2",
        "POLY, 3",
        "SIGMOID, 2",
        "SIGMOID, 3",
    })
    void everyKernelAnswersAsOnnxRuntimeInBatchesOfEverySize(SvmClassifier.Kernel kernel, int classes)
            throws Exception {
        byte[] model = svc(kernel, classes, 3, new SplittableRandom(kernel.ordinal() * 10L + classes));
        for (int rows : new int[] {1, SvmKernels.LAID_OUT - 1, SvmKernels.LAID_OUT, 300}) {
            int finite = AgainstOrt.assertSame(
                    kernel + ", " + classes + " classes, " + rows + " rows",
                    model,
                    MlModels.FLOAT,
                    rows(rows, new SplittableRandom(rows)));
            assertEquals(rows * classes, finite, "every probability compared");
        }
    }

    @Test
    void anSvmOfManyVectorsTakesFewerRowsABlockAndAnswersAsOnnxRuntime() throws Exception {
        byte[] model = svc(SvmClassifier.Kernel.RBF, 2, 400, new SplittableRandom(3));
        SvmKernels kernels = new SvmKernels(SvmClassifier.read(MlModels.attributes(model)));
        assertTrue(kernels.blockRows() < SvmKernels.BLOCK && kernels.blockRows() > 1, kernels.blockRows() + " rows");
        AgainstOrt.assertSame("800 to 808 vectors", model, MlModels.FLOAT, rows(100, new SplittableRandom(4)));
    }

    @Test
    void aRowsAnswerIsTheSameBitForBitInWhateverBatchAndBlockItComes() throws Exception {
        PlainGraph plain = PlainGraph.compile(GraphParser.parse(Path.of("model.onnx")), List.of("output"));
        double[][] rows = rows(2 * SvmKernels.BLOCK + 37, new SplittableRandom(5));
        float[] whole = plain.run(Map.of("input", AgainstOrtInput.floats(rows)))
                .get("output")
                .floats();
        for (int r = 0; r < rows.length; r += 7) {
            float[] alone = plain.run(Map.of("input", AgainstOrtInput.floats(new double[][] {rows[r]})))
                    .get("output")
                    .floats();
            assertArrayEquals(java.util.Arrays.copyOfRange(whole, 2 * r, 2 * r + 2), alone, "row " + r);
        }
    }

    @Test
    void theTwoClassCouplingIsTheGeneralOneBitForBit() {
        SplittableRandom random = new SplittableRandom(7);
        float[] general = new float[2];
        float[] two = new float[2];
        for (int i = 0; i < 100_000; i++) {
            float probability = i < 3 ? new float[] {1e-7f, 0.5f, 1 - 1e-7f}[i] : (float) random.nextDouble();
            Coupling.probabilities(2, new float[] {0, probability, 1 - probability, 0}, general);
            Coupling.ofTwo(probability, two, 0);
            assertArrayEquals(general, two, "pairwise " + probability);
        }
        assertTrue(Math.abs(two[0] + two[1] - 1) < 1e-6, two[0] + " + " + two[1]);
    }

    /** A random SVC in libsvm's layout with Platt's probabilities: {@code least} to {@code least + 4} vectors a class. */
    private static byte[] svc(SvmClassifier.Kernel kernel, int classes, int least, SplittableRandom random) {
        long[] perClass = new long[classes];
        int vectors = 0;
        for (int c = 0; c < classes; c++) {
            perClass[c] = least + random.nextInt(5);
            vectors += (int) perClass[c];
        }
        int pairs = classes * (classes - 1) / 2;
        long[] labels = new long[classes];
        for (int c = 0; c < classes; c++) {
            labels[c] = c;
        }
        float gamma = kernel == SvmClassifier.Kernel.RBF ? 0.1f : 0.2f;
        return MlModels.model(
                MlModels.node("SVMClassifier", true)
                        .addAttribute(text("kernel_type", kernel.name()))
                        .addAttribute(floats("kernel_params", gamma, 0.3f, 3f))
                        .addAttribute(ints("vectors_per_class", perClass))
                        .addAttribute(floats("support_vectors", uniform(random, vectors * FEATURES, 4)))
                        .addAttribute(floats("coefficients", uniform(random, (classes - 1) * vectors, 1)))
                        .addAttribute(floats("rho", uniform(random, pairs, 0.5)))
                        .addAttribute(floats("prob_a", uniform(random, pairs, 2)))
                        .addAttribute(floats("prob_b", uniform(random, pairs, 0.2)))
                        .addAttribute(ints("classlabels_ints", labels))
                        .build(),
                MlModels.FLOAT,
                FEATURES,
                MlModels.INT64,
                classes);
    }

    private static float[] uniform(SplittableRandom random, int count, double spread) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * spread);
        }
        return values;
    }

    /** Rows of the bank notes' scale: each feature within ±8. */
    private static double[][] rows(int count, SplittableRandom random) {
        double[][] rows = new double[count][FEATURES];
        for (double[] row : rows) {
            for (int f = 0; f < FEATURES; f++) {
                row[f] = (random.nextDouble() * 2 - 1) * 8;
            }
        }
        return rows;
    }

    /** The rows as the plain graph's float input. */
    private static final class AgainstOrtInput {

        static PlainTensor floats(double[][] rows) {
            float[] data = new float[rows.length * FEATURES];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) rows[i / FEATURES][i % FEATURES];
            }
            return PlainTensor.floats(rows.length, FEATURES, data);
        }
    }
}
