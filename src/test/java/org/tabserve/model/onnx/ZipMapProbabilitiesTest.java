package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;

/**
 * The ZipMap's tensor, exposed as a graph output of skl2onnx's penguins classifier, holds for every fixture row
 * exactly the floats the ZipMap's maps hold, column {@code j} under the ZipMap's label {@code j}: reading it instead of
 * the maps cannot change an answer.
 */
class ZipMapProbabilitiesTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @Test
    void exposedTensorHoldsExactlyTheZipMapsValuesForEveryFixtureRow() throws Exception {
        Path file = DIR.resolve("species-zipmap.onnx");
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        ZipMapProbabilities zipMap =
                ZipMapProbabilities.of(GraphParser.parse(bytes)).orElseThrow();
        assertEquals(List.of("Adelie", "Chinstrap", "Gentoo"), zipMap.columns());

        try (Model model = OnnxModelLoader.load(file)) {
            ModelSignature signature = model.signature();
            Batch batch = Batch.of(signature, rows(signature));
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(zipMap.exposedIn(bytes), new OrtSession.SessionOptions())) {
                NodeInfo exposed = session.getOutputInfo().get(zipMap.tensor());
                TensorInfo info = (TensorInfo) exposed.getInfo();
                assertEquals(OnnxJavaType.FLOAT, info.type);
                assertArrayEquals(new long[] {-1, 3}, info.getShape());

                try (InputBinder.Bound bound = new InputBinder(env, signature).bind(batch, 0, batch.size(), 0);
                        OrtSession.Result result =
                                session.run(bound.tensors(), Set.of(zipMap.tensor(), zipMap.zipMap()))) {
                    FloatBuffer values =
                            ((OnnxTensor) result.get(zipMap.tensor()).orElseThrow()).getFloatBuffer();
                    List<? extends OnnxValue> maps =
                            ((OnnxSequence) result.get(zipMap.zipMap()).orElseThrow()).getValue();
                    assertEquals(batch.size(), maps.size());
                    for (int r = 0; r < maps.size(); r++) {
                        Map<?, ?> map = ((OnnxMap) maps.get(r)).getValue();
                        for (int j = 0; j < zipMap.columns().size(); j++) {
                            float inMap = (Float) map.get(zipMap.columns().get(j));
                            assertEquals(0, Float.compare(inMap, values.get(r * 3 + j)), "row " + r + " column " + j);
                        }
                    }
                    maps.forEach(OnnxValue::close);
                }
            }
        }
    }

    @Test
    void aGraphWhoseProbabilitiesAreAlreadyATensorHasNoZipMapToExpose() throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(DIR.resolve("species-nozipmap.onnx")));
        assertTrue(ZipMapProbabilities.of(GraphParser.parse(bytes)).isEmpty());
    }

    private static List<Object[]> rows(ModelSignature signature) throws Exception {
        List<String> lines = Files.readAllLines(DIR.resolve("species-zipmap.inputs.csv"));
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<Feature> features = signature.features();
        List<Object[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            Object[] row = new Object[features.size()];
            for (int f = 0; f < row.length; f++) {
                String text = fields[header.indexOf(features.get(f).name())];
                row[f] = features.get(f).type() == ValueType.STRING
                        ? text
                        : text.isEmpty() ? null : (Object) Double.parseDouble(text);
            }
            rows.add(row);
        }
        return rows;
    }
}
