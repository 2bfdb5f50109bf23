package org.tabserve.model.onnx.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.ml.MlModels;

/**
 * One {@link MlModels} model run on the same rows by ONNX Runtime (one thread, as tabserve runs it) and by its plain
 * graph, output by output: labels equal, scores equal within float rounding (1e-5, relative beyond 1), NaN where
 * ONNX Runtime's is NaN and an infinity where its is.
 */
final class AgainstOrt {

    private AgainstOrt() {}

    /**
     * @param input the model's input element type ({@link MlModels#FLOAT}, {@link MlModels#DOUBLE} or
     *              {@link MlModels#INT64}, whose rows are whole numbers)
     * @return how many rows' scores were finite, for a test to know what it compared
     */
    static int assertSame(String what, byte[] model, int input, double[][] rows) throws Exception {
        OnnxGraph graph = GraphParser.parse(ByteBuffer.wrap(model));
        List<String> outputs = graph.outputs().stream().map(o -> o.name()).toList();
        PlainGraph plain = PlainGraph.compile(graph, outputs);
        int width = rows[0].length;
        Map<String, PlainTensor> answers = plain.run(Map.of("x", plainInput(input, rows)));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int finite = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                    OnnxTensor x = ortInput(env, input, rows, width);
                    OrtSession.Result result = session.run(Map.of("x", x))) {
                for (String name : outputs) {
                    OnnxValue value = result.get(name).orElseThrow();
                    PlainTensor mine = answers.get(name);
                    if (name.equals("label")) {
                        Object ort = value.getValue();
                        List<String> expected = new ArrayList<>();
                        if (ort instanceof long[] longs) {
                            for (long l : longs) {
                                expected.add(Long.toString(l));
                            }
                        } else {
                            expected.addAll(List.of((String[]) ort));
                        }
                        List<String> actual = new ArrayList<>();
                        for (int r = 0; r < rows.length; r++) {
                            actual.add(
                                    mine.type() == PlainTensor.Type.STRING
                                            ? mine.strings()[r]
                                            : Long.toString(mine.longs()[r]));
                        }
                        assertEquals(expected, actual, what + ": labels");
                        continue;
                    }
                    float[] expected = floats((OnnxTensor) value);
                    float[] actual = mine.floats();
                    assertEquals(expected.length, actual.length, what + ": " + name + " size");
                    int k = expected.length / rows.length;
                    for (int i = 0; i < expected.length; i++) {
                        String where = what + ": " + name + " of row " + i / k + " "
                                + java.util.Arrays.toString(rows[i / k]) + ", score " + i % k;
                        if (Float.isNaN(expected[i]) || Float.isInfinite(expected[i])) {
                            assertEquals(expected[i], actual[i], where);
                            continue;
                        }
                        finite++;
                        double scale = Math.max(1, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
                        assertTrue(
                                Math.abs(expected[i] - actual[i]) <= 1e-5 * scale,
                                where + ": ONNX Runtime " + expected[i] + ", plain Java " + actual[i]);
                    }
                }
            }
        }
        return finite;
    }

    private static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static PlainTensor plainInput(int input, double[][] rows) {
        int width = rows[0].length;
        int n = rows.length;
        if (input == MlModels.DOUBLE) {
            double[] data = new double[n * width];
            for (int r = 0; r < n; r++) {
                System.arraycopy(rows[r], 0, data, r * width, width);
            }
            return PlainTensor.doubles(n, width, data);
        }
        if (input == MlModels.INT64) {
            long[] data = new long[n * width];
            for (int i = 0; i < data.length; i++) {
                data[i] = (long) rows[i / width][i % width];
            }
            return PlainTensor.longs(n, width, data);
        }
        float[] data = new float[n * width];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rows[i / width][i % width];
        }
        return PlainTensor.floats(n, width, data);
    }

    private static OnnxTensor ortInput(OrtEnvironment env, int input, double[][] rows, int width) throws OrtException {
        long[] shape = {rows.length, width};
        PlainTensor t = plainInput(input, rows);
        return switch (t.type()) {
            case DOUBLE -> OnnxTensor.createTensor(env, DoubleBuffer.wrap(t.doubles()), shape);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape);
            default -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape);
        };
    }
}
