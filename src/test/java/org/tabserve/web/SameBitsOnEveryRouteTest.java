package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.rows.arrow.ArrowAnswerStreams;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TableFiles;

/**
 * Issue 66, item 2: a row's label and probabilities have the same bits alone ({@code POST /api/predict}, one row) as in
 * JSON batches of 17 and 1,000 rows, in a CSV upload and an Arrow upload of {@link RowsReader#CHUNK_ROWS} + 1 rows
 * (the last alone in its chunk), and over gRPC in batches of 1, 17, 1,000 and all of them (its FP32 probabilities,
 * the float each probability is), on one server. The model is the penguins' species pipeline (a scaler, a one-hot
 * encoder and a logistic regression): before, batches of more than 16 rows were ONNX Runtime's and differed from a
 * row alone in their last bits.
 */
class SameBitsOnEveryRouteTest {

    private static final Path MODEL = Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx");
    private static final Path INPUTS =
            Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.inputs.csv");
    private static final List<String> CLASSES = List.of("Adelie", "Chinstrap", "Gentoo");
    private static final int ROWS = RowsReader.CHUNK_ROWS + 1;

    @RegisterExtension
    static final Http http = Http.startingTheApp("--model", MODEL.toString());

    static ManagedChannel channel;
    static String[] header;
    /** The data's distinct rows, each a row's cells as the CSV has them. */
    static List<String[]> distinct;
    /** Each distinct row's answer alone: its label and the bits of each class's probability. */
    static List<String> alone;

    @BeforeAll
    static void start() throws Exception {
        channel = GrpcWire.channelTo(http.server());
        List<String> lines = Files.readAllLines(INPUTS);
        header = lines.get(0).split(",");
        distinct = new ArrayList<>();
        lines.subList(1, lines.size()).forEach(line -> distinct.add(line.split(",")));
        alone = new ArrayList<>();
        for (String[] row : distinct) {
            alone.add(json(List.<String[]>of(row)).get(0));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, null);
    }

    /** Row {@code r} of the upload: the data's rows over and over. */
    private static String[] row(int r) {
        return distinct.get(r % distinct.size());
    }

    /** The uploads' CSV: the header, then {@link #ROWS} rows. */
    private static String uploadCsv() {
        StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
        for (int r = 0; r < ROWS; r++) {
            csv.append(String.join(",", row(r))).append('\n');
        }
        return csv.toString();
    }

    private static List<String[]> rows(int from, int count) {
        List<String[]> rows = new ArrayList<>();
        for (int r = from; r < from + count; r++) {
            rows.add(row(r));
        }
        return rows;
    }

    private static void assertSameBits(String route, int from, List<String> answers) {
        for (int r = 0; r < answers.size(); r++) {
            assertEquals(
                    alone.get((from + r) % distinct.size()),
                    answers.get(r),
                    route + ": row " + (from + r) + " of " + answers.size() + " against the row alone");
        }
    }

    @Test
    void jsonBatchesOf17AndOf1000() throws Exception {
        for (int size : new int[] {17, 1_000}) {
            for (int from = 0; from < ROWS; from += size) {
                int count = Math.min(size, ROWS - from);
                assertSameBits("JSON, " + size + " rows a request", from, json(rows(from, count)));
            }
        }
    }

    @Test
    void aCsvUploadAcrossTheChunkBoundary() {
        Http.Response response = http.upload("/predict_file", Multipart.csv(uploadCsv()), "Accept", "text/csv");
        assertEquals(200, response.status(), response::text);
        List<String> answers = new ArrayList<>();
        for (Map<String, String> row : csvRows(response.text())) {
            double[] probabilities = new double[CLASSES.size()];
            for (int c = 0; c < probabilities.length; c++) {
                probabilities[c] = Double.parseDouble(row.get("probability_" + CLASSES.get(c)));
            }
            answers.add(bits(row.get("label"), probabilities));
        }
        assertEquals(ROWS, answers.size());
        assertSameBits("CSV upload", 0, answers);
    }

    /**
     * The same upload answered in CSV and in JSON writes each probability as the same text: CSV's writer uses the JDK's
     * {@code Double.toString}, JSON's Jackson's shortest-decimal writer, and Java 17's {@code Double.toString} is not
     * always the shortest (both parse to the same bits, which the case above checks; this is the text a user diffs).
     */
    @Test
    void aCsvUploadWritesEveryProbabilityAsItsJsonAnswerDoes() throws Exception {
        String csv = uploadCsv();
        Http.Response inCsv = http.upload("/predict_file", Multipart.csv(csv), "Accept", "text/csv");
        Http.Response inJson = http.upload("/predict_file", Multipart.csv(csv), "Accept", "application/json");
        assertEquals(200, inCsv.status(), inCsv::text);
        assertEquals(200, inJson.status(), inJson::text);
        List<String> csvTexts = new ArrayList<>();
        for (Map<String, String> row : csvRows(inCsv.text())) {
            for (String name : CLASSES) {
                csvTexts.add(row.get("probability_" + name));
            }
        }
        List<String> jsonTexts = new ArrayList<>();
        try (com.fasterxml.jackson.core.JsonParser parser =
                Http.JSON.getFactory().createParser(inJson.text())) {
            for (com.fasterxml.jackson.core.JsonToken token; (token = parser.nextToken()) != null; ) {
                if (token == com.fasterxml.jackson.core.JsonToken.FIELD_NAME
                        && "probabilities".equals(parser.currentName())) {
                    parser.nextToken(); // the object of class -> probability, in the classes' order
                    while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                        parser.nextToken();
                        jsonTexts.add(parser.getText());
                    }
                }
            }
        }
        assertEquals(ROWS * CLASSES.size(), csvTexts.size());
        assertEquals(csvTexts, jsonTexts);
    }

    @Test
    void anArrowUploadAcrossTheChunkBoundary() throws Exception {
        Http.Response response = http.upload(
                "/predict_file",
                new Multipart().file("file", "rows.arrows", "application/vnd.apache.arrow.stream", arrow()),
                "Accept",
                "application/vnd.apache.arrow.stream");
        assertEquals(200, response.status(), response::text);
        List<String> answers = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = ArrowAnswerStreams.open(response.body(), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            while (reader.loadNextBatch()) {
                for (int r = 0; r < root.getRowCount(); r++) {
                    double[] probabilities = new double[CLASSES.size()];
                    for (int c = 0; c < probabilities.length; c++) {
                        probabilities[c] = ((Float8Vector) root.getVector("probability_" + CLASSES.get(c))).get(r);
                    }
                    answers.add(bits(root.getVector("label").getObject(r).toString(), probabilities));
                }
            }
        }
        assertEquals(ROWS, answers.size());
        assertSameBits("Arrow upload", 0, answers);
    }

    @Test
    void grpcBatchesOf1And17And1000AndAll() {
        for (int size : new int[] {1, 17, 1_000, ROWS}) {
            int end = size == 1 ? distinct.size() : ROWS;
            for (int from = 0; from < end; from += size) {
                int count = Math.min(size, end - from);
                ModelInferResponse response =
                        GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(grpcRequest(rows(from, count)));
                List<String> labels = new ArrayList<>();
                List<Float> probabilities = new ArrayList<>();
                for (ModelInferResponse.InferOutputTensor output : response.getOutputsList()) {
                    if (output.getName().equals("label")) {
                        output.getContents().getBytesContentsList().forEach(b -> labels.add(b.toStringUtf8()));
                    } else if (output.getName().equals("probabilities")) {
                        probabilities.addAll(output.getContents().getFp32ContentsList());
                    }
                }
                assertEquals(count, labels.size());
                for (int r = 0; r < count; r++) {
                    StringBuilder floats = new StringBuilder(labels.get(r));
                    StringBuilder expected = new StringBuilder(labels.get(r));
                    String[] alone = SameBitsOnEveryRouteTest.alone
                            .get((from + r) % distinct.size())
                            .split(" ");
                    for (int c = 0; c < CLASSES.size(); c++) {
                        floats.append(' ')
                                .append(Integer.toHexString(
                                        Float.floatToRawIntBits(probabilities.get(r * CLASSES.size() + c))));
                        float single = (float) Double.longBitsToDouble(Long.parseUnsignedLong(alone[1 + c], 16));
                        expected.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(single)));
                    }
                    assertEquals(expected.toString(), floats.toString(), "gRPC, " + count + " rows: row " + (from + r));
                    assertEquals(alone[0], labels.get(r));
                }
            }
        }
    }

    /** @return each row's answer from {@code POST /api/predict} with the rows as its instances */
    private static List<String> json(List<String[]> rows) {
        ObjectNode body = Http.JSON.createObjectNode();
        ArrayNode instances = body.putArray("instances");
        for (String[] row : rows) {
            ObjectNode instance = instances.addObject();
            for (int c = 0; c < header.length; c++) {
                if (c == 0 || c == header.length - 1) {
                    instance.put(header[c], row[c]);
                } else {
                    instance.put(header[c], Double.parseDouble(row[c]));
                }
            }
        }
        Http.Response response = http.postJson("/api/predict", body.toString());
        assertEquals(200, response.status(), response::text);
        List<String> answers = new ArrayList<>();
        for (JsonNode prediction : response.json().get("predictions")) {
            double[] probabilities = new double[CLASSES.size()];
            for (int c = 0; c < probabilities.length; c++) {
                probabilities[c] =
                        prediction.get("probabilities").get(CLASSES.get(c)).doubleValue();
            }
            answers.add(bits(prediction.get("label").asText(), probabilities));
        }
        assertEquals(rows.size(), answers.size());
        return answers;
    }

    /** @return the label, then each probability's bits in hexadecimal */
    private static String bits(String label, double[] probabilities) {
        StringBuilder bits = new StringBuilder(label);
        for (double p : probabilities) {
            bits.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(p)));
        }
        return bits.toString();
    }

    /** The upload's rows as an Arrow stream: text columns as utf8, numbers as float64. */
    private static byte[] arrow() throws Exception {
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            fields.add(Field.nullable(
                    header[c],
                    c == 0 || c == header.length - 1
                            ? new ArrowType.Utf8()
                            : new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
        }
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator)) {
            root.allocateNew();
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < header.length; c++) {
                    if (root.getVector(c) instanceof VarCharVector text) {
                        text.setSafe(r, row(r)[c].getBytes(StandardCharsets.UTF_8));
                    } else {
                        ((Float8Vector) root.getVector(c)).setSafe(r, Double.parseDouble(row(r)[c]));
                    }
                }
            }
            root.setRowCount(ROWS);
            return TableFiles.write(root, List.of());
        }
    }

    /** ModelInfer of the rows: one [N, 1] tensor per input, text as BYTES, numbers as FP32. */
    private static ModelInferRequest grpcRequest(List<String[]> rows) {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("species-zipmap");
        for (int c = 0; c < header.length; c++) {
            boolean text = c == 0 || c == header.length - 1;
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            for (String[] row : rows) {
                if (text) {
                    contents.addBytesContents(ByteString.copyFromUtf8(row[c]));
                } else {
                    contents.addFp32Contents((float) Double.parseDouble(row[c]));
                }
            }
            request.addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(header[c])
                    .setDatatype(text ? "BYTES" : "FP32")
                    .addShape(rows.size())
                    .addShape(1)
                    .setContents(contents));
        }
        return request.build();
    }

    /** Each row of a CSV answer (no quoted cells: the species model's answers have none), its cells by column name. */
    private static List<Map<String, String>> csvRows(String text) {
        List<String> lines = text.lines().toList();
        String[] names = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new java.util.HashMap<>();
            for (int c = 0; c < names.length; c++) {
                row.put(names[c], cells[c]);
            }
            rows.add(row);
        }
        return rows;
    }
}
