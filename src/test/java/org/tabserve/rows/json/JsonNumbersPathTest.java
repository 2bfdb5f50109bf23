package org.tabserve.rows.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.rows.field.RowsException;

/**
 * The plain-doubles path of {@link JsonRowsParser} (a numbers-only model's rows read straight into {@code double[]})
 * against the boxed-cells path every other model takes: on every body both must give the same rows, the same
 * numbers, the same model input, the same range and category warnings and the same refusal, word for word.
 */
class JsonNumbersPathTest {

    private static final Path CORPUS = Path.of("src/test/resources/org/tabserve/web/api/RequestParsersFuzzTestInputs");

    /** Numbers only, but two inputs, one of them double: Batch.ofNumbers' general branch. */
    private static final ModelSignature MIXED = new ModelSignature(
            List.of(
                    new ModelInput(
                            "a",
                            ValueType.FLOAT,
                            List.of(
                                    new Feature("variance", ValueType.FLOAT, false, List.of(), false),
                                    new Feature("skewness", ValueType.FLOAT, false, List.of(), false)),
                            2),
                    new ModelInput(
                            "b",
                            ValueType.DOUBLE,
                            List.of(
                                    new Feature("curtosis", ValueType.DOUBLE, false, List.of(), false),
                                    new Feature("entropy", ValueType.DOUBLE, false, List.of(), false)),
                            2)),
            Task.REGRESSION,
            List.of(),
            OutputKind.VALUE,
            false,
            0);

    private static Model banknote;

    @BeforeAll
    static void load() {
        banknote = OnnxModelLoader.load(Path.of("model.onnx"));
    }

    @AfterAll
    static void close() {
        banknote.close();
    }

    /** What one path made of a body: its refusal, or its rows, model input and warnings, rendered for comparison. */
    private static String outcome(ModelSignature signature, ModelCard card, byte[] body, boolean plain)
            throws IOException {
        JsonRowsParser.ParsedRows parsed;
        try {
            parsed = new JsonRowsParser(signature, 7, plain).parse(new ByteArrayInputStream(body));
        } catch (RowsException problem) {
            return "refused " + problem.kind() + ": " + problem.getMessage() + "\n"
                    + String.join(
                            "\n",
                            problem.errors().stream().map(Object::toString).toList());
        }
        if (plain) {
            assertNull(parsed.cells(), "a numbers-only model's rows are never boxed");
        } else {
            assertNull(parsed.numbers(), "the boxed path keeps no plain doubles");
        }
        StringBuilder out = new StringBuilder(
                "batch " + parsed.batch() + ", rows " + parsed.rows().size() + "\n");
        for (int r = 0; r < parsed.rows().size(); r++) {
            double[] sent = plain
                    ? parsed.numbers()[r]
                    : Arrays.stream(parsed.cells().get(r))
                            .mapToDouble(c -> (Double) c)
                            .toArray();
            out.append(Arrays.toString(sent)).append('\n');
        }
        Batch batch = parsed.rows();
        for (int i = 0; i < signature.inputs().size(); i++) {
            out.append(Arrays.deepToString(new Object[] {batch.data(i)})).append('\n');
        }
        if (card != null) {
            PredictionJson.Rows encoded = new PredictionJson.Rows(signature, card);
            for (int r = 0; r < batch.size(); r++) {
                out.append(parsed.warnings(card, r))
                        .append(" / ")
                        .append(parsed.warnings(encoded, r))
                        .append('\n');
            }
        }
        return out.toString();
    }

    private static void assertSame(byte[] body) throws IOException {
        String text = new String(body, StandardCharsets.UTF_8);
        assertEquals(
                outcome(banknote.signature(), banknote.card(), body, false),
                outcome(banknote.signature(), banknote.card(), body, true),
                () -> "for the body " + text);
        assertEquals(outcome(MIXED, null, body, false), outcome(MIXED, null, body, true), () -> "for the body " + text);
    }

    @Test
    void theFuzzCorporaGiveTheSameRowsWarningsAndErrorsOnBothPaths() throws IOException {
        List<Path> files;
        try (Stream<Path> list =
                Stream.of("jsonBody", "roundTrip", "mlflowBody").flatMap(JsonNumbersPathTest::list)) {
            files = list.sorted().toList();
        }
        assertTrue(files.size() > 30, "the corpora are there");
        for (Path file : files) {
            assertSame(Files.readAllBytes(file));
        }
    }

    private static Stream<Path> list(String corpus) {
        try {
            return Files.list(CORPUS.resolve(corpus));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void writtenCasesGiveTheSameRowsWarningsAndErrorsOnBothPaths() throws IOException {
        List<String> cases = List.of(
                "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}",
                "{\"variance\": 30.6, \"skewness\": -80, \"curtosis\": 1e30, \"entropy\": 6.8248}", // out of range
                "{\"variance\": 1, \"skewness\": 2, \"curtosis\": 3}", // one missing
                "{\"variance\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4, \"colour\": 5}", // one unknown
                "{\"variance\": 1, \"variance\": 2, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}", // twice
                "{\"variance\": \"1\", \"skewness\": null, \"curtosis\": true, \"entropy\": [1]}",
                "{\"variance\": 1e39, \"skewness\": -1e39, \"curtosis\": 1e400, \"entropy\": {\"a\": 1}}",
                "{\"variance\": 4e-50, \"skewness\": -0.0, \"curtosis\": 3.4028235e38, \"entropy\": 9223372036854775808}",
                "{}",
                "{\"instances\": []}",
                "{\"instances\": [[1, 2, 3, 4], {\"variance\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}]}",
                "{\"instances\": [[1, 2, 3], [1, 2, 3, 4, 5, [6]], [1, \"2\", null, 4], 7, \"x\", null]}",
                "{\"instances\": [{\"variance\": 1}, [1e39, 2, 3, 4], [1, 2, 3, 4], {\"entropy\": 1e400, \"x\": 1}]}",
                "{\"instances\": [[1, 2, 3, 4]], \"variance\": 1}",
                "{\"variance\": 1, \"instances\": [[1, 2, 3, 4]], \"skewness\": 2}",
                "{\"instances\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4],"
                        + " [1, 2, 3, 4], [1, 2, 3, 4]]}", // over the limit
                "{\"instances\": {\"variance\": 1}}",
                "{\"instances\": [[1, 2, 3, 4]]} trailing",
                "{\"instances\": [[1, 2, 3, 4]",
                "[1, 2, 3, 4]",
                "",
                "{\"variance\": \"" + "x".repeat(30_000) + "\", \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}",
                "{\"variance\": NaN, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}",
                "{\"variance\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": \"\\ud800\"}");
        for (String body : cases) {
            assertSame(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void randomBatchesOfTrickyValuesGiveTheSameOnBothPaths() throws IOException {
        Random random = new Random(16);
        String[] values = {
            "0",
            "-0.0",
            "3.6216",
            "-2.8073",
            "1e39",
            "-1e39",
            "1e400",
            "4e-50",
            "6.8248",
            "-13.7731",
            "17.9274",
            "100",
            "3.4028235e38",
            "3.4028236e38",
            "null",
            "true",
            "\"1\"",
            "[]",
            "{}",
            "12345678901234567890"
        };
        List<String> names = List.of("variance", "skewness", "curtosis", "entropy", "colour");
        for (int n = 0; n < 500; n++) {
            List<String> rows = new ArrayList<>();
            int count = random.nextInt(9);
            for (int r = 0; r < count; r++) {
                int width = random.nextInt(10) < 8 ? 4 : random.nextInt(6);
                List<String> cells = new ArrayList<>();
                boolean named = random.nextBoolean();
                for (int i = 0; i < width; i++) {
                    String value = values[random.nextInt(random.nextInt(3) == 0 ? values.length : 12)];
                    cells.add(named ? "\"" + names.get(random.nextInt(10) < 9 ? i : 4) + "\": " + value : value);
                }
                rows.add(named ? "{" + String.join(", ", cells) + "}" : "[" + String.join(", ", cells) + "]");
            }
            String body = count == 1 && rows.get(0).startsWith("{")
                    ? rows.get(0)
                    : "{\"instances\": [" + String.join(", ", rows) + "]}";
            assertSame(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theBundledModelTakesThePlainPath() throws IOException {
        JsonRowsParser.ParsedRows parsed = new JsonRowsParser(banknote.signature(), 10)
                .parse(new ByteArrayInputStream(
                        "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}"
                                .getBytes(StandardCharsets.UTF_8)));
        assertNull(parsed.cells());
        assertNotNull(parsed.numbers());
        assertEquals(List.of(), parsed.warnings(banknote.card(), 0));
    }
}
