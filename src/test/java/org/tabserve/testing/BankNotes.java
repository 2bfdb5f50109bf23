package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** The bank-note data set the bundled model was trained on, and the checks every prediction must pass. */
public final class BankNotes {

    public static final Path DATA = Path.of("data/BankNote_Authentication.csv");
    public static final Path MODEL = Path.of("model.onnx");
    /** The data's column order, which is also the bundled model's graph order. */
    public static final List<String> FEATURES = List.of("variance", "skewness", "curtosis", "entropy");

    public static final Map<String, String> DISPLAY_NAMES = Map.of("0", "genuine", "1", "forged");
    public static final double TOLERANCE = 1e-6;

    /** One row of the CSV: feature values as written there, and the class. */
    public record Note(Map<String, String> text, String label) {

        public double value(String feature) {
            return Double.parseDouble(text.get(feature));
        }

        /** {@code {"variance": 3.6216, ...}} in the data's column order. */
        public ObjectNode json() {
            ObjectNode node = Http.JSON.createObjectNode();
            FEATURES.forEach(f -> node.put(f, value(f)));
            return node;
        }

        /** {@code variance=3.6216&skewness=...} as typed in the CSV. */
        public String query() {
            StringBuilder query = new StringBuilder();
            FEATURES.forEach(f -> query.append(query.length() == 0 ? "" : "&")
                    .append(f)
                    .append('=')
                    .append(text.get(f)));
            return query.toString();
        }
    }

    private static List<Note> all;

    private BankNotes() {}

    public static synchronized List<Note> all() {
        if (all == null) {
            List<Note> notes = new ArrayList<>();
            try (CSVParser csv = CSVParser.parse(
                    DATA,
                    StandardCharsets.UTF_8,
                    CSVFormat.DEFAULT
                            .builder()
                            .setHeader()
                            .setSkipHeaderRecord(true)
                            .get())) {
                for (CSVRecord record : csv) {
                    Map<String, String> text = new LinkedHashMap<>();
                    FEATURES.forEach(f -> text.put(f, record.get(f)));
                    notes.add(new Note(text, record.get("class")));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            all = List.copyOf(notes);
        }
        return all;
    }

    /** {variance:3.6216, skewness:8.6661, curtosis:-2.8073, entropy:-0.44699}, the first row: class 0. */
    public static Note genuine() {
        Note note = all().get(0);
        assertEquals(
                Map.of("variance", "3.6216", "skewness", "8.6661", "curtosis", "-2.8073", "entropy", "-0.44699"),
                note.text());
        assertEquals("0", note.label());
        return note;
    }

    /** The first row of class 1 (-1.3971, 3.3191, -1.3927, -1.9948). */
    public static Note forged() {
        Note note =
                all().stream().filter(n -> n.label().equals("1")).findFirst().orElseThrow();
        assertEquals("-1.3971", note.text().get("variance"));
        return note;
    }

    /** Some rows of both classes, interleaved, so that any reordering changes the labels. */
    public static List<Note> mixed(int count) {
        List<Note> genuine = all().stream().filter(n -> n.label().equals("0")).toList();
        List<Note> forged = all().stream().filter(n -> n.label().equals("1")).toList();
        List<Note> mixed = new ArrayList<>();
        for (int i = 0; mixed.size() < count; i++) {
            mixed.add(i % 3 == 1 ? genuine.get(i * 7 % genuine.size()) : forged.get(i * 11 % forged.size()));
        }
        return mixed;
    }

    /**
     * Asserts one prediction object: a probability per class (and nothing else), in [0, 1], summing to 1; the label
     * is their argmax and the display name is the label's.
     */
    public static void assertWellFormed(JsonNode prediction) {
        JsonNode probabilities = prediction.path("probabilities");
        List<String> classes = new ArrayList<>();
        probabilities.fieldNames().forEachRemaining(classes::add);
        assertEquals(List.of("0", "1"), classes, () -> "classes of " + prediction);
        double sum = 0;
        String argmax = null;
        for (String c : classes) {
            double p = probabilities.get(c).asDouble();
            assertTrue(p >= 0 && p <= 1, () -> "probability " + p + " of " + c + " in " + prediction);
            sum += p;
            if (argmax == null || p > probabilities.get(argmax).asDouble()) {
                argmax = c;
            }
        }
        assertEquals(1.0, sum, TOLERANCE, () -> "probabilities of " + prediction + " sum to 1");
        assertEquals(argmax, prediction.path("label").asText(), () -> "label is the argmax in " + prediction);
        assertEquals(
                DISPLAY_NAMES.get(argmax),
                prediction.path("display_name").asText(),
                () -> "display name in " + prediction);
        List<String> fields = new ArrayList<>();
        prediction.fieldNames().forEachRemaining(fields::add);
        if (fields.remove("model_sha256")) { // a lone row's answer: the served file's digest
            assertTrue(
                    prediction.path("model_sha256").asText().matches("[0-9a-f]{64}"),
                    () -> "model_sha256 is a SHA-256 in " + prediction);
        }
        assertEquals(List.of("label", "display_name", "probabilities", "warnings"), fields);
        assertTrue(prediction.path("warnings").isArray(), () -> "warnings is a list in " + prediction);
        for (JsonNode warning : prediction.path("warnings")) {
            assertTrue(
                    FEATURES.contains(warning.path("feature").asText()), () -> "warning names a feature: " + warning);
            assertTrue(warning.path("message").asText().endsWith("; treat the answer with care"), warning::toString);
        }
    }

    /** Asserts two predictions agree: same label and display name, the same probabilities within a tolerance. */
    public static void assertSamePrediction(JsonNode expected, JsonNode actual, String where) {
        assertWellFormed(actual);
        assertEquals(expected.path("label").asText(), actual.path("label").asText(), where);
        assertEquals(
                expected.path("display_name").asText(),
                actual.path("display_name").asText(),
                where);
        for (Iterator<String> it = expected.path("probabilities").fieldNames(); it.hasNext(); ) {
            String c = it.next();
            assertEquals(
                    expected.path("probabilities").get(c).asDouble(),
                    actual.path("probabilities").path(c).asDouble(),
                    TOLERANCE,
                    where + ", class " + c);
        }
    }

    /** The bundled model with some card entries replaced: same graph, another file (and sha256). */
    public static byte[] modelWith(Map<String, String> card) {
        try {
            OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(MODEL));
            OnnxMl.ModelProto.Builder changed = model.toBuilder().clearMetadataProps();
            Map<String, String> entries = new LinkedHashMap<>();
            model.getMetadataPropsList().forEach(p -> entries.put(p.getKey(), p.getValue()));
            entries.putAll(card);
            entries.forEach((k, v) -> changed.addMetadataProps(
                    OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
            return changed.build().toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
