package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import inference.GRPCInferenceServiceGrpc;
import inference.InferParameter;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import io.grpc.ManagedChannel;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.cli.ConformalCards;
import org.tabserve.cli.ConformalServer;
import org.tabserve.cli.ScoreRuns;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.RequestField;
import org.tabserve.model.conformal.RowUncertainty;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;
import org.tabserve.web.pages.plots.Decimals;

/**
 * Every answer format carries every described field the request asked for ({@link AnswerField}, {@link RequestField}):
 * a classifier and a regressor with conformal cards, each asked for explanations and a coverage where the route takes
 * them, in JSON (a lone row, a batch, the query route), the file answers (CSV, JSON Lines, Arrow, Parquet), MLflow's
 * records, the Open Inference Protocol over REST and gRPC, the pages (the form's answer, the upload's), the score
 * command's file, and the OpenAPI documents' answers (/api/predict's, /invocations', the OIP's, /predict_file's). A
 * format names, in this test, how it spells each field, or why it does not carry it, in a switch expression over the
 * fields with no default: the compiler asks how each format spells a field added to the description, and a format that
 * neither writes nor declines a present field fails here. The Python client and the pages are compared by value with
 * the JSON answer ({@link #theClientAndThePagesGiveTheJsonRoutesValues}); Spark's struct, by value with the JSON
 * routes' writer, by the connector's own {@code ResultColumnsTest}.
 */
@ExtendWith(ConformalServer.class)
class AnswerFormatsTest {

    @TempDir
    static Path dir;

    static TabserveServer server;
    static Http http;
    static ManagedChannel channel;
    static List<String[]> rows;

    @BeforeAll
    static void start(TabserveServer shared) throws Exception {
        server = shared;
        http = new Http(server);
        channel = GrpcWire.channelTo(server);
        rows = ConformalCards.testRows().subList(0, 3);
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, null); // the server is the JVM's shared one
    }

    /** A format's answer as seen from outside: its row-level names, its request-level keys and its headers. */
    private record Seen(Set<String> names, Map<String, String> requestLevel, Map<String, String> headers) {
        /** @return the digest the test expects every header to carry, set by the test before the checks */
        String requestLevelDigest() {
            return expectedDigest;
        }
    }

    /** The served file's digest for the model being checked. */
    private static String expectedDigest;

    /** How a format spells a field, or null for a field it declines (each decline has its reason below). */
    private interface Spelling extends Function<AnswerField, List<String>> {}

    @ParameterizedTest
    @ValueSource(strings = {"forged", "entropy"})
    void everyFormatCarriesEveryDescribedFieldAsked(String name) throws Exception {
        JsonNode model = http.get("/models/" + name + "/api/model").json();
        List<String> features = new ArrayList<>();
        model.path("features").forEach(f -> features.add(f.path("name").asText()));
        Model loaded = OnnxModelLoader.load(ConformalCards.models().resolve(name + ".onnx"));
        AnswerShape asked;
        try {
            boolean novelty = RowUncertainty.at(loaded.card().conformal(), 0.9).measuresNovelty();
            boolean classifies = model.path("task").asText().equals("classification");
            List<String> classes = classifies ? loaded.signature().classLabels() : null;
            asked = new AnswerShape(classes, true, true, novelty);
        } finally {
            loaded.close();
        }
        AnswerShape plain = new AnswerShape(asked.classes(), false, false, false);
        AnswerShape covered = new AnswerShape(asked.classes(), false, true, asked.novelty());
        String base = "/models/" + name;
        String sha256 = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(ConformalCards.models().resolve(name + ".onnx"))));
        expectedDigest = sha256;

        // /api/model's fields, as a consumer loops over them: each in the JSON answer its presence says, of its type
        publishedFields(base, features, model.path("fields"), asked.novelty());
        // JSON: a lone row and a batch, explained and covered; the query route asks for neither
        check("JSON, one row", asked, jsonRow(base, features, true), json(asked));
        source("JSON, one row", jsonRow(base, features, true), sha256, RequestField::key);
        check("JSON, a batch", asked, jsonBatch(base, features), json(asked));
        source("JSON, a batch", jsonBatch(base, features), sha256, RequestField::key);
        check("JSON, the query route", plain, queryRow(base, features), json(plain));
        source("JSON, the query route", queryRow(base, features), sha256, RequestField::key);
        // the file answers, covered (an upload takes no explain)
        check("JSON, an upload", covered, jsonUpload(base, features), json(covered));
        source("JSON, an upload", jsonUpload(base, features), sha256, RequestField::key);
        for (String accept : List.of("text/csv", "application/x-ndjson")) {
            check(accept, covered, tableAnswer(base, features, accept), table(covered));
        }
        check("Arrow", covered, arrow(base, features), table(covered));
        source("Arrow", arrow(base, features), sha256, f -> RequestField.METADATA_PREFIX + f.key());
        check("Parquet", covered, parquet(base, features), table(covered));
        source("Parquet", parquet(base, features), sha256, f -> RequestField.METADATA_PREFIX + f.key());
        // MLflow's records, explained and covered
        check("MLflow", asked, mlflow(base, features), mlflowSpelling(asked));
        // the Open Inference Protocol, explained and covered
        String valueOutput = http.get("/v2/models/" + name)
                .json()
                .path("outputs")
                .get(0)
                .path("name")
                .asText();
        check("OIP REST", asked, v2Rest(name, features), v2Spelling(valueOutput));
        source("OIP REST", v2Rest(name, features), sha256, AnswerFormatsTest::v2Parameter);
        check("OIP gRPC", asked, v2Grpc(name, features), v2Spelling(valueOutput));
        source("OIP gRPC", v2Grpc(name, features), sha256, AnswerFormatsTest::v2Parameter);
        // the pages: the form's answer, explained and covered, and the upload's table, covered
        Seen form = formPage(base, features);
        check("the form", asked, form, formSpelling());
        source("the form", form, sha256, f -> "provenance-" + f.key());
        Seen uploaded = uploadPage(base, features);
        check("the upload page", covered, uploaded, uploadSpelling());
        source("the upload page", uploaded, sha256, f -> "provenance-" + f.key());
        // the score command: the upload's table, with its error column under --on-error row (it takes no coverage)
        Seen scored = scoreCommand(name, features);
        check("score", plain, scored, table(plain));
        assertTrue(scored.names().contains(AnswerField.ERROR_COLUMN), "score --on-error row: " + scored.names());
        // the OpenAPI documents: each answer's schema names each field the route's answer carries
        JsonNode document = http.get(base + "/openapi.json").json();
        JsonNode schemas = document.path("components").path("schemas");
        check("OpenAPI, /api/predict", asked, schemaNames(schemas.path("Prediction")), json(asked));
        check("OpenAPI, /invocations", asked, schemaNames(schemas.path("MlflowPredictions")), mlflowDocument());
        check("OpenAPI, the OIP", asked, v2Document(schemas), v2Document(valueOutput));
        check("OpenAPI, /predict_file", plain, flaskDocument(document), flaskDocument(plain));
    }

    /**
     * The Python client and the pages give the JSON route's values, not only its names: the client's data frame, row by
     * row, holds each field of {@code /api/predict}'s batch answer (explained and covered) as its own spelling or by
     * its type; the form's heading, bars and sureness words say the lone row's label, probabilities, value, interval
     * and prediction set; the upload page's table says each row's answer, and its download is the CSV route's answer
     * to the same upload, byte for byte. Spark's struct is compared with the same JSON writer by the connector's
     * {@code ResultColumnsTest}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"forged", "entropy"})
    void theClientAndThePagesGiveTheJsonRoutesValues(String name) throws Exception {
        String base = "/models/" + name;
        List<String> features = new ArrayList<>();
        http.get(base + "/api/model")
                .json()
                .path("features")
                .forEach(f -> features.add(f.path("name").asText()));
        List<String> objects = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            objects.add("{" + fields(features, r) + "}");
        }
        Http.Response batch = http.postJson(
                base + "/api/predict",
                "{\"explain\": true, \"coverage\": 0.9, \"instances\": [" + String.join(", ", objects) + "]}");
        assertEquals(200, batch.status(), batch::text);
        JsonNode predictions = batch.json().path("predictions");

        // the client: each row's columns, as its frame holds them
        JsonNode client = pythonClient(name, features);
        for (int r = 0; r < rows.size(); r++) {
            Map<String, JsonNode> expected = clientSpelling(predictions.get(r));
            for (Map.Entry<String, JsonNode> column : expected.entrySet()) {
                assertEquals(
                        column.getValue(),
                        client.get(r).path(column.getKey()),
                        "the client's row " + r + " " + column.getKey());
            }
        }

        // the form: the lone row's answer in words
        JsonNode row = predictions.get(0);
        Document form = formAnswer(base, features).html();
        if (row.has("label")) {
            assertEquals(
                    row.path("display_name").asText(), form.select("#predicted").text(), "the form's heading");
            row.path("probabilities").fields().forEachRemaining(p -> {
                Element bar = form.selectFirst("#result tr[data-label=" + p.getKey() + "] .percent");
                if (bar != null) { // the classes the bars show (ShownClasses): here, every one
                    assertEquals(percent(p.getValue().asDouble()), bar.text(), "the form's bar of " + p.getKey());
                }
            });
            assertEquals(
                    row.path("probabilities").size(),
                    form.select("#result table.bars tr[data-label]").size(),
                    "one bar a class");
            String sureness = form.select("#sureness").text();
            if (row.path("prediction_set").size() == 1
                    && row.path("prediction_set").get(0).equals(row.path("label"))) {
                assertTrue(sureness.contains("holds this class alone"), "the form's prediction set: " + sureness);
            } else {
                Map<String, String> names = new java.util.HashMap<>();
                http.get(base + "/api/model")
                        .json()
                        .path("classes")
                        .forEach(c -> names.put(
                                c.path("label").asText(), c.path("display_name").asText()));
                for (JsonNode label : row.path("prediction_set")) {
                    assertTrue(
                            sureness.contains(names.get(label.asText())),
                            "the form's sureness names " + label + ": " + sureness);
                }
            }
        } else {
            assertEquals(
                    Decimals.fourPlaces(row.path("value").asDouble()),
                    form.select("#predicted").text());
            assertTrue(
                    form.select("#sureness")
                            .text()
                            .startsWith("Between "
                                    + Decimals.fourPlaces(
                                            row.path("interval").path("lower").asDouble()) + " and "
                                    + Decimals.fourPlaces(
                                            row.path("interval").path("upper").asDouble())),
                    "the form's interval: " + form.select("#sureness").text());
        }

        // any other field, which the form lists under the answer by its key, in words
        Set<String> ownWords = Set.of(
                "label",
                "display_name",
                "probabilities",
                "value",
                "warnings",
                "explanation",
                "interval",
                "prediction_set",
                "coverage",
                "novelty");
        row.fieldNames().forEachRemaining(key -> {
            if (!ownWords.contains(key)) {
                assertEquals(
                        words(row.path(key)),
                        form.select("#more-" + key + " + dd").text(),
                        "the form's " + key);
            }
        });

        // the upload page: each row's answer in the table, and the download the CSV route's answer
        JsonNode uploaded = upload(base, features, "application/json").json().path("predictions");
        Http.Response page = http.upload(base + "/predict_file?format=html&coverage=0.9", Multipart.csv(csv(features)));
        assertEquals(200, page.status(), page::text);
        Document table = page.html();
        List<String> headings = new ArrayList<>();
        table.select("#preview thead th").stream().skip(1).forEach(th -> headings.add(th.text())); // after "row"
        for (int r = 0; r < rows.size(); r++) {
            JsonNode answer = uploaded.get(r);
            Element tr = table.select("#preview tbody tr").get(r);
            List<String> cells = new ArrayList<>();
            tr.select("td").forEach(td -> cells.add(td.text()));
            if (answer.has("label")) {
                String label = answer.path("label").asText();
                assertEquals(label, tr.attr("data-label"), "the upload's row " + r);
                assertEquals(answer.path("display_name").asText(), cells.get(headings.indexOf("prediction")));
                assertEquals(
                        percent(answer.path("probabilities").path(label).asDouble()),
                        cells.get(headings.indexOf("probability")));
            } else {
                assertEquals(
                        answer.path("value").asDouble(),
                        Double.parseDouble(cells.get(headings.indexOf("value"))),
                        "the upload's row " + r);
            }
        }
        String download = table.selectFirst("#download-link").attr("href");
        String csvAnswer = upload(base, features, "text/csv").text();
        assertEquals(
                csvAnswer,
                new String(
                        java.util.Base64.getDecoder().decode(download.substring(download.indexOf(',') + 1)),
                        StandardCharsets.UTF_8),
                "the upload page's download");
    }

    /**
     * The client's columns of a JSON answer's row, as its docstring says: the probabilities one column a class, the
     * interval's and novelty's members under their own names, any other field by its type (an object one
     * {@code key_name} column a member), the rest under their keys.
     */
    private static Map<String, JsonNode> clientSpelling(JsonNode row) {
        Map<String, JsonNode> columns = new java.util.LinkedHashMap<>();
        row.fields().forEachRemaining(field -> {
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "probabilities" ->
                    value.fields()
                            .forEachRemaining(
                                    p -> columns.put(AnswerField.PROBABILITY_PREFIX + p.getKey(), p.getValue()));
                case "interval" -> {
                    columns.put("lower", value.path("lower"));
                    columns.put("upper", value.path("upper"));
                    columns.put(
                            "clipped",
                            value.path("clipped").isMissingNode() ? BooleanNode.FALSE : value.path("clipped"));
                    columns.put("coverage", value.path("coverage"));
                }
                case "novelty" -> {
                    columns.put("novelty_p_value", value.path("p_value"));
                    columns.put("novel", value.path("novel"));
                }
                case "warnings", "explanation", "prediction_set" -> columns.put(key, value);
                default -> {
                    if (value.isObject()) {
                        value.fields().forEachRemaining(m -> columns.put(key + "_" + m.getKey(), m.getValue()));
                    } else {
                        columns.put(key, value);
                    }
                }
            }
        });
        return columns;
    }

    /** The Python client's answer to the test rows, explained and covered: its data frame's rows as JSON. */
    private static JsonNode pythonClient(String name, List<String> features) throws Exception {
        Path script = dir.resolve("client-" + name + ".py");
        Files.writeString(
                script,
                String.join(
                        "\n",
                        "import json, sys",
                        "sys.path.insert(0, sys.argv[1])",
                        "import tabserve_client",
                        "rows = json.loads(sys.argv[3])",
                        "frame = tabserve_client.Client(sys.argv[2], model=sys.argv[4]).predict("
                                + "rows, explain=True, coverage=0.9)",
                        "def plain(v):",
                        "    return v.item() if hasattr(v, 'item') else v",
                        "print(json.dumps([{k: plain(v) for k, v in r.items()} for r in frame.to_dict('records')]))",
                        ""));
        List<Map<String, Object>> instances = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            Map<String, Object> instance = new java.util.LinkedHashMap<>();
            for (String feature : features) {
                instance.put(feature, Double.parseDouble(value(r, feature)));
            }
            instances.add(instance);
        }
        Process python = new ProcessBuilder(
                        "/usr/bin/python3",
                        script.toString(),
                        Path.of("clients", "python").toAbsolutePath().toString(),
                        http.uri("").toString(),
                        Http.JSON.writeValueAsString(instances),
                        name)
                .redirectError(dir.resolve("client-" + name + ".err").toFile())
                .start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, python.waitFor(), () -> "the client: " + read(dir.resolve("client-" + name + ".err")) + out);
        return Http.JSON.readTree(out);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** The form's answer to the first test row, explained and covered. */
    private static Http.Response formAnswer(String base, List<String> features) {
        StringBuilder form = new StringBuilder("coverage=0.9&explain=on");
        for (String feature : features) {
            form.append('&').append(feature).append('=').append(value(0, feature));
        }
        Http.Response response = http.postForm(base + "/", form.toString());
        assertEquals(200, response.status(), response::text);
        return response;
    }

    /**
     * A JSON value in the words the form lists a field it has no words of its own for in: a text as it is, a number
     * with four decimals (a whole one as it is), a flag yes or no, a list of texts and an object's members in a list, a
     * list of objects one after another.
     */
    private static String words(JsonNode value) {
        if (value.isObject()) {
            List<String> words = new ArrayList<>();
            value.fields().forEachRemaining(m -> words.add(m.getKey() + ": " + words(m.getValue())));
            return String.join(", ", words);
        }
        if (value.isArray()) {
            List<String> words = new ArrayList<>();
            value.forEach(v -> words.add(words(v)));
            return String.join(value.size() > 0 && value.get(0).isObject() ? "; " : ", ", words);
        }
        if (value.isBoolean()) {
            return value.asBoolean() ? "yes" : "no";
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        return value.isNumber() ? Decimals.fourPlaces(value.asDouble()) : value.asText();
    }

    /** A probability as the pages say it: a percentage with one decimal. */
    private static String percent(double probability) {
        return String.format(java.util.Locale.ROOT, "%.1f %%", probability * 100);
    }

    /**
     * Checks {@code /api/model}'s {@code fields} as a program that knows no field would read them: each field whose
     * presence an explained, covered lone row meets is in its JSON answer under its key (a regressor's coverage within
     * its interval), its value of the published type; a bad row's errors are not in a scored row.
     */
    private static void publishedFields(String base, List<String> features, JsonNode fields, boolean novelty) {
        assertTrue(fields.size() > 0, "/api/model has no fields: " + fields);
        Http.Response response = http.postJson(
                base + "/api/predict", "{\"explain\": true, \"coverage\": 0.9, " + fields(features, 0) + "}");
        assertEquals(200, response.status(), response::text);
        JsonNode row = response.json();
        for (JsonNode field : fields) {
            String key = field.path("key").asText();
            String presence = field.path("presence").asText();
            boolean expected = switch (presence) {
                case "always", "with explain", "with coverage" -> true;
                case "with coverage, when the card measures novelty" -> novelty;
                case "with on_error=row" -> false;
                default -> throw new AssertionError(key + "'s presence is no known words: " + presence);
            };
            JsonNode value = row.has(key) || !key.equals("coverage")
                    ? row.path(key)
                    : row.path("interval").path(key);
            assertEquals(expected, !value.isMissingNode(), key + " (" + presence + ") in " + row);
            if (expected) {
                assertTrue(ofType(field, value), key + " is not of the published type " + field + ": " + value);
            }
        }
    }

    /** @return whether a JSON value is of the type {@code /api/model} describes (a field's or a member's) */
    private static boolean ofType(JsonNode type, JsonNode value) {
        return switch (type.path("type").asText()) {
            case "text" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber();
            case "flag" -> value.isBoolean();
            case "texts" ->
                value.isArray()
                        && java.util.stream.StreamSupport.stream(value.spliterator(), false)
                                .allMatch(JsonNode::isTextual);
            case "named_numbers" -> {
                List<String> names = new ArrayList<>();
                value.fieldNames().forEachRemaining(names::add);
                List<String> published = new ArrayList<>();
                type.path("names").forEach(n -> published.add(n.asText()));
                yield value.isObject()
                        && (!type.has("names") || names.equals(published))
                        && java.util.stream.StreamSupport.stream(value.spliterator(), false)
                                .allMatch(JsonNode::isNumber);
            }
            case "struct" -> ofMembers(type, value);
            case "records" ->
                value.isArray()
                        && java.util.stream.StreamSupport.stream(value.spliterator(), false)
                                .allMatch(v -> ofMembers(type, v));
            default -> throw new AssertionError("no such type: " + type);
        };
    }

    /** @return whether {@code value} is an object with each member its type says, an optional one when present */
    private static boolean ofMembers(JsonNode type, JsonNode value) {
        if (!value.isObject()) {
            return false;
        }
        for (JsonNode member : type.path("members")) {
            JsonNode inner = value.path(member.path("name").asText());
            if (inner.isMissingNode() ? !member.path("optional").asBoolean() : !ofType(member, inner)) {
                return false;
            }
        }
        return true;
    }

    /** The score command's CSV answer's header, for the test rows with one bad row, under --on-error row. */
    private static Seen scoreCommand(String name, List<String> features) throws Exception {
        Path data = dir.resolve(name + "-rows.csv");
        Path out = dir.resolve(name + "-scored.csv");
        Files.writeString(data, csv(features) + "oops" + ",1".repeat(features.size() - 1) + "\n");
        String[] run = ScoreRuns.run(
                "score",
                "--model",
                ConformalCards.models().resolve(name + ".onnx").toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--force",
                "--on-error",
                "row");
        assertEquals("0", run[0], run[1]);
        String header = Files.readAllLines(out).get(0);
        return new Seen(new LinkedHashSet<>(List.of(header.split(","))), Map.of(), null);
    }

    /** A schema's property names, and each inline property's own as {@code key.inner}. */
    private static Seen schemaNames(JsonNode schema) {
        Set<String> names = new LinkedHashSet<>();
        schema.path("properties").fields().forEachRemaining(property -> {
            names.add(property.getKey());
            property.getValue()
                    .path("properties")
                    .fieldNames()
                    .forEachRemaining(inner -> names.add(property.getKey() + "." + inner));
        });
        return new Seen(names, Map.of(), null);
    }

    /** The OIP answer's schema: its parameters' names and the names its outputs' schemas allow. */
    private static Seen v2Document(JsonNode schemas) {
        Set<String> names = new LinkedHashSet<>(
                schemaNames(schemas.path("V2InferResponse").path("properties").path("parameters"))
                        .names());
        schemas.fields().forEachRemaining(schema -> {
            if (schema.getKey().startsWith("V2") && schema.getKey().endsWith("Output")) {
                schema.getValue().path("properties").path("name").path("enum").forEach(n -> names.add(n.asText()));
            }
        });
        return new Seen(names, Map.of(), null);
    }

    /** The words of /predict_file's CSV answer's description. */
    private static Seen flaskDocument(JsonNode document) {
        Set<String> names = new LinkedHashSet<>();
        document.path("paths").fields().forEachRemaining(path -> {
            if (path.getKey().endsWith("/predict_file")) {
                path.getValue().findValues("text/csv").forEach(media -> {
                    String text = media.path("schema").path("description").asText();
                    names.addAll(List.of(text.split("[^A-Za-z0-9_]+")));
                });
            }
        });
        return new Seen(names, Map.of(), null);
    }

    /** The /invocations answer's schema: the predictions, their explanations and errors, each beside the others. */
    private static Spelling mlflowDocument() {
        return field -> switch (field) {
            case LABEL, VALUE -> List.of("predictions");
            // as MLflow answers for a scikit-learn model: the prediction alone (/api/predict has the rest)
            case DISPLAY_NAME, PROBABILITIES -> null;
            // said once for the whole body, beside the predictions
            case WARNINGS -> List.of("warnings");
            case EXPLANATION -> List.of("explanations");
            // with a coverage each row is a record of its columns (MlflowColumns): not in the document yet
            case INTERVAL, PREDICTION_SET, COVERAGE, NOVELTY -> null;
            case ERRORS -> List.of(field.key());
        };
    }

    /** /predict_file's CSV answer's description: its columns after the input's. */
    private static Spelling flaskDocument(AnswerShape shape) {
        return field -> switch (field) {
            case LABEL, VALUE -> AnswerColumn.names(AnswerColumn.columns(field, shape));
            case PROBABILITIES -> List.of(AnswerField.PROBABILITY_PREFIX);
            // a table carries none of them
            case DISPLAY_NAME, WARNINGS, EXPLANATION -> null;
            // the columns ?coverage= adds: not in the document yet
            case INTERVAL, PREDICTION_SET, COVERAGE, NOVELTY -> null;
            case ERRORS -> List.of(AnswerField.ERROR_COLUMN);
        };
    }

    /** The OIP answer's schema: the outputs the request may name, and the explanation's parameters. */
    private static Spelling v2Document(String valueOutput) {
        return field -> switch (field) {
            case LABEL, PROBABILITIES -> List.of(field.key());
            case VALUE -> List.of(valueOutput);
            // the protocol's tensors carry the model's outputs; names for people and warnings are JSON's
            case DISPLAY_NAME, WARNINGS -> null;
            case EXPLANATION -> List.of("explanation_explained", "explanation_method");
            // the outputs a coverage adds (V2Coverage): not in the document yet
            case INTERVAL, PREDICTION_SET, COVERAGE, NOVELTY -> null;
            // the protocol refuses a request with a bad row whole
            case ERRORS -> null;
        };
    }

    /**
     * Checks that {@code seen} carries every field {@code shape} makes present, as {@code spelling} spells it, and
     * every request-level field with a header in that header.
     */
    private static void check(String format, AnswerShape shape, Seen seen, Spelling spelling) {
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, false)) {
                continue;
            }
            List<String> names = spelling.apply(field);
            if (names == null) {
                continue; // declined, for the reason its spelling gives
            }
            for (String name : names) {
                assertTrue(
                        seen.names().contains(name),
                        format + " leaves out " + field + " (" + name + "); it has " + seen.names());
            }
        }
        for (RequestField field : RequestField.values()) {
            if (field.header() != null && seen.headers() != null) {
                assertTrue(
                        seen.headers().containsKey(field.header().toLowerCase()),
                        format + " answers without the header " + field.header() + ": " + seen.headers());
                if (field == RequestField.MODEL_SHA256) {
                    assertEquals(
                            seen.requestLevelDigest(),
                            seen.headers().get(field.header().toLowerCase()),
                            format + "'s " + field.header());
                }
            }
        }
    }

    /**
     * Checks that {@code seen} carries every request-level field a body carries ({@link RequestField#inBody}) for an
     * answer no canary chose a version for, under {@code spelling}'s key (null: the protocol has a field of its own
     * for it), and the served file's digest as its {@link RequestField#MODEL_SHA256}.
     */
    private static void source(String format, Seen seen, String sha256, Function<RequestField, String> spelling) {
        AnswerSource source = new AnswerSource("", 1, sha256, "", null, false);
        for (RequestField field : RequestField.values()) {
            String key = spelling.apply(field);
            if (field.inBody(source) && key != null) {
                assertEquals(
                        String.valueOf(field.value(source)),
                        seen.requestLevel().get(key),
                        format + " carries " + field + " as " + key + ": " + seen.requestLevel());
            }
        }
    }

    /** The OIP's spelling of a request-level field: its own fields for the name, version and id, else a parameter. */
    private static String v2Parameter(RequestField field) {
        return switch (field) {
            case MODEL_NAME, MODEL_VERSION, REQUEST_ID -> null;
            default -> field.key();
        };
    }

    /** JSON's spelling: each field under its key (a regressor's coverage within its interval). */
    private static Spelling json(AnswerShape shape) {
        return field -> switch (field) {
            case COVERAGE -> shape.classifies() ? List.of(field.key()) : List.of("interval.coverage");
            case ERRORS -> List.of(field.key());
            default -> List.of(field.key());
        };
    }

    /** A table's spelling: the field's columns; none for the display name, warnings and explanation. */
    private static Spelling table(AnswerShape shape) {
        return field -> switch (field) {
            // for people and JSON: a table's cells hold the label and numbers
            case DISPLAY_NAME, WARNINGS -> null;
            // no route that answers in a table takes explain
            case EXPLANATION -> null;
            default -> AnswerColumn.names(AnswerColumn.columns(field, shape));
        };
    }

    private static Spelling mlflowSpelling(AnswerShape shape) {
        return field -> switch (field) {
            case LABEL, VALUE -> List.of("prediction");
            // MLflow's pyfunc answers a label, never the probabilities; the names for people are the form's
            case DISPLAY_NAME, PROBABILITIES -> null;
            // the body's warnings are MLflow's own shape (a list beside the predictions), not per row
            case WARNINGS -> null;
            case EXPLANATION -> List.of("explanations");
            case INTERVAL -> List.of("lower", "upper");
            case PREDICTION_SET, COVERAGE -> List.of(field.key());
            case NOVELTY -> List.of("novelty_p_value", "novel");
            case ERRORS -> List.of("errors");
        };
    }

    private static Spelling v2Spelling(String valueOutput) {
        return field -> switch (field) {
            case LABEL, PROBABILITIES -> List.of(field.key());
            case VALUE -> List.of(valueOutput);
            // the protocol's tensors carry the model's outputs; names for people and warnings are JSON's
            case DISPLAY_NAME, WARNINGS -> null;
            case EXPLANATION ->
                List.of(
                        "explanation_base_value",
                        "explanation_output",
                        "explanation_contributions",
                        "explanation_explained",
                        "explanation_method");
            case INTERVAL -> List.of("interval_lower", "interval_upper");
            case PREDICTION_SET, COVERAGE -> List.of(field.key());
            case NOVELTY -> List.of("novelty_p_value");
            // the protocol refuses a request with a bad row whole
            case ERRORS -> null;
        };
    }

    /** The form's spelling: the elements of its answer, by id or class. */
    private static Spelling formSpelling() {
        return field -> switch (field) {
            // the heading: the display name, the label beside it when they differ; a regressor's value
            case LABEL, DISPLAY_NAME, VALUE -> List.of("#predicted");
            case PROBABILITIES -> List.of(".bars");
            // listed only when a value is out of range, which the test rows are not (FormPageTest shows one)
            case WARNINGS -> null;
            case EXPLANATION -> List.of("#explanation");
            // the sureness words: the interval or the set at its coverage
            case INTERVAL, PREDICTION_SET, COVERAGE -> List.of("#sureness");
            // said in those words only when the row's p-value flags it, which the test rows' does not
            case NOVELTY -> null;
            // a bad value is shown next to its field, on a page with no answer
            case ERRORS -> null;
        };
    }

    /** The upload page's spelling: its table's headings. */
    private static Spelling uploadSpelling() {
        return field -> switch (field) {
            // the display name stands for it; the label is the row's data-label
            case LABEL -> List.of("row:data-label");
            case DISPLAY_NAME -> List.of("prediction");
            // the predicted class's: the download has every class's
            case PROBABILITIES -> List.of("probability");
            case VALUE -> List.of("value");
            // listed below the table, row by row, when a value is out of range
            case WARNINGS -> null;
            // an upload takes no explain
            case EXPLANATION -> null;
            // how sure each answer is: in the download's columns (the CSV's, checked above), not the table's
            case INTERVAL, PREDICTION_SET, COVERAGE, NOVELTY -> null;
            // a bad row's errors take its answer's columns (PredictFileOnErrorTest)
            case ERRORS -> null;
        };
    }

    /** A page's request-level fields: each span of its provenance, by id, with its whole value as its title. */
    private static Map<String, String> provenance(Document page) {
        Map<String, String> fields = new java.util.HashMap<>();
        page.select("#provenance span[id]").forEach(span -> fields.put(span.id(), span.attr("title")));
        return fields;
    }

    private static Seen formPage(String base, List<String> features) {
        StringBuilder form = new StringBuilder("coverage=0.9&explain=on");
        for (String feature : features) {
            form.append('&').append(feature).append('=').append(value(0, feature));
        }
        Http.Response response = http.postForm(base + "/", form.toString());
        assertEquals(200, response.status(), response::text);
        Document page = response.html();
        Set<String> names = new LinkedHashSet<>();
        for (Element element : page.select("#result *")) {
            if (!element.id().isEmpty()) {
                names.add("#" + element.id());
            }
            element.classNames().forEach(c -> names.add("." + c));
        }
        return new Seen(names, provenance(page), headers(response));
    }

    private static Seen uploadPage(String base, List<String> features) {
        Http.Response response =
                http.upload(base + "/predict_file?format=html&coverage=0.9", Multipart.csv(csv(features)));
        assertEquals(200, response.status(), response::text);
        Document page = response.html();
        Set<String> names = new LinkedHashSet<>();
        page.select("#preview thead th").forEach(th -> names.add(th.text()));
        if (!page.select("#preview tbody tr[data-label]").isEmpty()) {
            names.add("row:data-label");
        }
        return new Seen(names, provenance(page), headers(response));
    }

    /** One row as a JSON object's fields, without braces. */
    private static String fields(List<String> features, int row) {
        List<String> fields = new ArrayList<>();
        for (String feature : features) {
            fields.add('"' + feature + "\": " + value(row, feature));
        }
        return String.join(", ", fields);
    }

    /** The test row's value of a feature, by the test CSV's header. */
    private static String value(int row, String feature) {
        List<String> header = List.of("variance", "skewness", "curtosis", "entropy", "class");
        return rows.get(row)[header.indexOf(feature)];
    }

    private static Seen jsonRow(String base, List<String> features, boolean explain) {
        String body = "{\"explain\": true, \"coverage\": 0.9, " + fields(features, 0) + "}";
        Http.Response response = http.postJson(base + "/api/predict", body);
        return seenJson(response, response.json());
    }

    private static Seen jsonBatch(String base, List<String> features) {
        List<String> objects = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            objects.add("{" + fields(features, r) + "}");
        }
        Http.Response response = http.postJson(
                base + "/api/predict",
                "{\"explain\": true, \"coverage\": 0.9, \"instances\": [" + String.join(", ", objects) + "]}");
        JsonNode answer = response.json();
        Seen row = seenJson(response, answer.path("predictions").get(0));
        return new Seen(row.names(), seenJson(response, answer).requestLevel(), row.headers());
    }

    private static Seen queryRow(String base, List<String> features) {
        StringBuilder query = new StringBuilder("?");
        for (String feature : features) {
            query.append(query.length() > 1 ? "&" : "")
                    .append(feature)
                    .append('=')
                    .append(value(0, feature));
        }
        Http.Response response = http.get(base + "/predict" + query);
        return seenJson(response, response.json());
    }

    private static Seen seenJson(Http.Response response, JsonNode row) {
        assertEquals(200, response.status(), response::text);
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            names.add(key);
            row.path(key).fieldNames().forEachRemaining(inner -> names.add(key + "." + inner));
        }
        Map<String, String> requestLevel = new java.util.HashMap<>();
        for (RequestField field : RequestField.values()) {
            if (row.has(field.key())) {
                requestLevel.put(field.key(), row.path(field.key()).asText());
            }
        }
        return new Seen(names, requestLevel, headers(response));
    }

    private static Map<String, String> headers(Http.Response response) {
        Map<String, String> headers = new java.util.HashMap<>();
        response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        return headers;
    }

    private static String csv(List<String> features) {
        StringBuilder csv = new StringBuilder(String.join(",", features)).append('\n');
        for (int r = 0; r < rows.size(); r++) {
            List<String> cells = new ArrayList<>();
            for (String feature : features) {
                cells.add(value(r, feature));
            }
            csv.append(String.join(",", cells)).append('\n');
        }
        return csv.toString();
    }

    private static Http.Response upload(String base, List<String> features, String accept) {
        Http.Response response =
                http.upload(base + "/predict_file?coverage=0.9", Multipart.csv(csv(features)), "Accept", accept);
        assertEquals(200, response.status(), response::text);
        return response;
    }

    private static Seen jsonUpload(String base, List<String> features) {
        Http.Response response = upload(base, features, "application/json");
        JsonNode answer = response.json();
        Seen row = seenJson(response, answer.path("predictions").get(0));
        return new Seen(row.names(), seenJson(response, answer).requestLevel(), row.headers());
    }

    private static Seen tableAnswer(String base, List<String> features, String accept) throws Exception {
        Http.Response response = upload(base, features, accept);
        Set<String> names = new LinkedHashSet<>();
        if (accept.equals("text/csv")) {
            names.addAll(
                    List.of(response.text().lines().findFirst().orElseThrow().split(",")));
        } else {
            Http.JSON
                    .readTree(response.text().lines().findFirst().orElseThrow())
                    .fieldNames()
                    .forEachRemaining(names::add);
        }
        return new Seen(names, Map.of(), headers(response));
    }

    private static Seen arrow(String base, List<String> features) throws Exception {
        Http.Response response = upload(base, features, "application/vnd.apache.arrow.stream");
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader =
                        new ArrowStreamReader(new ByteArrayInputStream(response.body()), allocator)) {
            Schema schema = reader.getVectorSchemaRoot().getSchema();
            Set<String> names = new LinkedHashSet<>();
            schema.getFields().forEach(f -> names.add(f.getName()));
            Map<String, String> metadata = schema.getCustomMetadata() == null ? Map.of() : schema.getCustomMetadata();
            return new Seen(names, metadata, headers(response));
        }
    }

    private static Seen parquet(String base, List<String> features) throws Exception {
        Http.Response response = upload(base, features, "application/vnd.apache.parquet");
        byte[] file = response.body();
        int n = file.length;
        int footer =
                ByteBuffer.wrap(file, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(file, n - 8 - footer, footer));
        Set<String> names = new LinkedHashSet<>();
        for (SchemaElement element :
                meta.getSchema().subList(1, meta.getSchema().size())) {
            names.add(element.getName());
        }
        Map<String, String> metadata = new java.util.HashMap<>();
        if (meta.getKey_value_metadata() != null) {
            for (KeyValue kv : meta.getKey_value_metadata()) {
                metadata.put(kv.getKey(), kv.getValue());
            }
        }
        return new Seen(names, metadata, headers(response));
    }

    private static Seen mlflow(String base, List<String> features) throws Exception {
        Http.Response response = http.post(
                base + "/invocations?coverage=0.9",
                "application/json",
                ("{\"dataframe_split\": {\"columns\": " + Http.JSON.writeValueAsString(features) + ", \"data\": "
                                + Http.JSON.writeValueAsString(matrix(features))
                                + "}, \"params\": {\"explain\": true}}")
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.status(), response::text);
        JsonNode answer = response.json();
        Set<String> names = new LinkedHashSet<>();
        answer.fieldNames().forEachRemaining(names::add);
        answer.path("predictions").get(0).fieldNames().forEachRemaining(names::add);
        names.add("errors"); // a bad row's problems: not asked here
        return new Seen(names, Map.of(), headers(response));
    }

    private static List<List<Double>> matrix(List<String> features) {
        List<List<Double>> data = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            List<Double> row = new ArrayList<>();
            for (String feature : features) {
                row.add(Double.parseDouble(value(r, feature)));
            }
            data.add(row);
        }
        return data;
    }

    private static Seen v2Rest(String name, List<String> features) throws Exception {
        Map<String, Object> body = Map.of(
                "inputs",
                List.of(Map.of(
                        "name",
                        "float_input",
                        "shape",
                        List.of(rows.size(), features.size()),
                        "datatype",
                        "FP32",
                        "data",
                        matrix(features).stream().flatMap(List::stream).toList())),
                "parameters",
                Map.of("coverage", 0.9, "explain", true));
        Http.Response response =
                http.post("/v2/models/" + name + "/infer", "application/json", Http.JSON.writeValueAsBytes(body));
        assertEquals(200, response.status(), response::text);
        JsonNode answer = response.json();
        Set<String> names = new LinkedHashSet<>();
        answer.path("outputs").forEach(o -> names.add(o.path("name").asText()));
        answer.path("parameters").fieldNames().forEachRemaining(names::add);
        Map<String, String> parameters = new java.util.HashMap<>();
        answer.path("parameters")
                .fields()
                .forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
        return new Seen(names, parameters, headers(response));
    }

    private static Seen v2Grpc(String name, List<String> features) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        matrix(features).forEach(row -> row.forEach(v -> contents.addFp32Contents(v.floatValue())));
        ModelInferRequest request = ModelInferRequest.newBuilder()
                .setModelName(name)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("float_input")
                        .setDatatype("FP32")
                        .addShape(rows.size())
                        .addShape(features.size())
                        .setContents(contents))
                .putParameters(
                        "coverage",
                        InferParameter.newBuilder().setDoubleParam(0.9).build())
                .putParameters(
                        "explain",
                        InferParameter.newBuilder().setBoolParam(true).build())
                .build();
        ModelInferResponse response =
                GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(request);
        Set<String> names = new LinkedHashSet<>();
        response.getOutputsList().forEach(o -> names.add(o.getName()));
        names.addAll(response.getParametersMap().keySet());
        Map<String, String> parameters = new java.util.HashMap<>();
        response.getParametersMap().forEach((k, v) -> parameters.put(k, v.getStringParam()));
        return new Seen(names, parameters, null);
    }
}
