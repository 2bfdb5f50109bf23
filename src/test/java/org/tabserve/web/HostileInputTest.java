package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;
import org.tabserve.web.http.limits.GzipInputTest;

/**
 * Hostile and malformed requests against every route of the real WAR, one table: each case names the exact status
 * and a piece of the error (a field or the detail) it must get. None may get a 5xx, and after each the server must
 * still answer a valid prediction with 200. The server runs with a 2 s idle timeout, a 4 s header deadline and a
 * minimum body rate of 4 bytes/s after 2 s so that slow clients are cut quickly.
 */
class HostileInputTest {

    /** How long a connection may stay silent here (the launcher's {@code --idle-timeout}). */
    private static final int IDLE_SECONDS = 2;

    /** How long a request's line and headers may take to arrive in all here (the launcher's {@code --header-timeout}). */
    static final int HEADER_SECONDS = 4;

    /** The slowest body accepted here, bytes per second on average (the launcher's {@code --min-request-rate})... */
    private static final int MIN_RATE = 4;
    /** ...once a body has been arriving this long ({@code --min-request-rate-grace}). */
    private static final int RATE_GRACE_SECONDS = 2;

    @RegisterExtension
    static final Http http = Http.startingTheApp(
            "--idle-timeout",
            Integer.toString(IDLE_SECONDS),
            "--header-timeout",
            Integer.toString(HEADER_SECONDS),
            "--min-request-rate",
            Integer.toString(MIN_RATE),
            "--min-request-rate-grace",
            Integer.toString(RATE_GRACE_SECONDS));

    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String INFER = "/v2/models/banknote-authenticator/infer";
    private static final String VALID =
            "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}";
    private static final String CSV_HEADER = "variance,skewness,curtosis,entropy";

    /** One hostile request: what it is, how to send it, and exactly what it must get. */
    private record Case(String name, Supplier<Http.Response> send, int status, String expected) {}

    private final List<Case> cases = new ArrayList<>();

    /** '{' and three zero bytes make Jackson read UTF-32LE; the next four bytes are no code point. */
    private static final byte[] UTF32_GARBAGE = {'{', 0, 0, 0, 0, 0, 0, (byte) 0xF0, '?', 'p', 'y', '}'};

    private void add(String name, int status, String expected, Supplier<Http.Response> send) {
        cases.add(new Case(name, send, status, expected));
    }

    private static Http.Response json(String body) {
        return http.post("/api/predict", JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Http.Response json(byte[] body) {
        return http.post("/api/predict", JSON, body);
    }

    private static Http.Response infer(String body) {
        return http.post(INFER, JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Http.Response invocations(String body) {
        return http.post("/invocations", JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String v2(String datatype, String shape, String data) {
        return "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"" + datatype + "\", \"shape\": " + shape
                + ", \"data\": " + data + "}]}";
    }

    private static Http.Response csv(String content) {
        return http.upload("/predict_file", Multipart.csv(content));
    }

    private static Http.Response csv(byte[] content) {
        return http.upload("/predict_file", Multipart.csv(content));
    }

    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] garbage(int length) {
        byte[] bytes = new byte[length];
        new java.util.Random(length).nextBytes(bytes);
        return bytes;
    }

    private void jsonCases() {
        add("an empty JSON body", 400, "the body is empty", () -> json(""));
        // Jetty's getContentType() threw on a charset the JVM does not know: that was a 500.
        byte[] row = "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}"
                .getBytes(StandardCharsets.UTF_8);
        add(
                "JSON declared latin-1 to /api/predict",
                415,
                "JSON is UTF-8",
                () -> http.post("/api/predict", "application/json; charset=latin-1", row));
        add(
                "JSON declared latin-1 to /predict",
                415,
                "JSON is UTF-8",
                () -> http.post("/predict", "application/json; charset=latin-1", row));
        add(
                "JSON declared ISO-8859-1 to /api/predict",
                415,
                "JSON is UTF-8",
                () -> http.post("/api/predict", "application/json;charset=\"ISO-8859-1\"", row));
        add("JSON cut after its first brace", 400, "malformed JSON", () -> json("{"));
        add("JSON cut inside a field", 400, "malformed JSON", () -> json("{\"variance\": 3.6, \"skewness\""));
        add("JSON cut inside a number's exponent", 400, "malformed JSON", () -> json("{\"variance\": 3.6e"));
        // A top-level array is rows (pandas' to_json(orient="records"), issue 51): numbers are no rows.
        add(
                "a JSON array of numbers at the top level",
                400,
                "must be an object of features or an array of 4 values, got a number",
                () -> json("[3.6, 8.6, -2.8, -0.44]"));
        add("a JSON string at the top level", 400, "must be a JSON object, got a string", () -> json("\"hello\""));
        add("JSON null at the top level", 400, "must be a JSON object, got null", () -> json("null"));
        add("two JSON objects in one body", 400, "unexpected content after the JSON object", () -> json(VALID + " {}"));
        add(
                "a value nested 10,000 arrays deep",
                400,
                "nesting depth",
                () -> json("{\"variance\": " + repeat("[", 10_000) + repeat("]", 10_000) + "}"));
        add(
                "an instance nested 10,000 objects deep",
                400,
                "nesting depth",
                () -> json("{\"instances\": [" + repeat("{\"a\":", 10_000) + "1" + repeat("}", 10_000) + "]}"));
        add(
                "a number beyond double range",
                400,
                "'variance' is 1e400; a finite number is required",
                () -> json(VALID.replace("3.6", "1e400")));
        add(
                "a number beyond the model's float range",
                400,
                "beyond the model's float range",
                () -> json(VALID.replace("3.6", "1e39")));
        add(
                "a number with 1,000 digits",
                400,
                "Number value length",
                () -> json(VALID.replace("3.6", repeat("9", 1_000))));
        add(
                "a string value of 1 MB, skipped unread",
                400,
                "'variance' must be a number, got a string",
                () -> json("{\"variance\": \"" + repeat("x", 1 << 20) + "\"}"));
        add("a field name of 200 kB", 400, "malformed JSON", () -> json("{\"" + repeat("v", 200_000) + "\": 1}"));
        add(
                "a NaN literal, a missing value this model cannot take",
                400,
                "missing value for 'variance'",
                () -> json(VALID.replace("3.6", "NaN")));
        add(
                "an Infinity literal",
                400,
                "'variance' is Infinity; a finite number is required",
                () -> json(VALID.replace("3.6", "Infinity")));
        add(
                "a -Infinity literal",
                400,
                "'variance' is -Infinity; a finite number is required",
                () -> json(VALID.replace("3.6", "-Infinity")));
        add(
                "\"NaN\" as a string",
                400,
                "'variance' must be a number, got a string",
                () -> json(VALID.replace("3.6", "\"NaN\"")));
        add(
                "a number sent as a string",
                400,
                "'variance' must be a number, got a string",
                () -> json(VALID.replace("3.6", "\"3.6\"")));
        add("a duplicate key", 400, "Duplicate field 'variance'", () -> json(VALID.replace("{", "{\"variance\": 1, ")));
        add(
                "a boolean feature",
                400,
                "'entropy' must be a number, got a boolean",
                () -> json(VALID.replace("-0.44", "true")));
        add("a null feature", 400, "missing value for 'entropy'", () -> json(VALID.replace("-0.44", "null")));
        add(
                "an object as a feature",
                400,
                "'entropy' must be a number, got an object",
                () -> json(VALID.replace("-0.44", "{\"x\": 1}")));
        add(
                "a missing feature",
                400,
                "missing value for feature 'entropy'",
                () -> json(VALID.replace(", \"entropy\": -0.44", "")));
        add(
                "an extra feature is ignored and told in the warnings",
                200,
                "'colour' is not an input of the model; it was ignored",
                () -> json(VALID.replace("{", "{\"colour\": 1, ")));
        add(
                "a misspelt feature is missing, and the missing one's error names it",
                400,
                "missing value for feature 'entropy'; the fields the model does not take were ignored: 'entropie'",
                () -> json(VALID.replace("entropy", "entropie")));
        add("an empty object", 400, "4 fields are invalid", () -> json("{}"));
        add(
                "instances that are not an array",
                400,
                "must be an array of objects or arrays, got a number",
                () -> json("{\"instances\": 7}"));
        add(
                "an instance that is a string",
                400,
                "instance 0 must be an object of features",
                () -> json("{\"instances\": [\"x\"]}"));
        add(
                "an array instance with 3 values",
                400,
                "instance 0 has 3 values",
                () -> json("{\"instances\": [[1, 2, 3]]}"));
        add(
                "an array instance with 5 values",
                400,
                "unexpected value at position 5",
                () -> json("{\"instances\": [[1, 2, 3, 4, 5]]}"));
        add(
                "a bad instance among good ones",
                400,
                "\"row\":2",
                () -> json("{\"instances\": [" + VALID + ", " + VALID + ", " + VALID.replace("3.6", "\"x\"") + "]}"));
        add(
                "instances beside top-level features",
                400,
                "not both",
                () -> json(VALID.replace("}", ", \"instances\": []}")));
        add(
                "10,001 instances, one past the batch limit",
                413,
                "more than 10000 instances",
                () -> json("{\"instances\": [" + String.join(",", java.util.Collections.nCopies(10_001, "[1,2,3,4]"))
                        + "]}"));
        add(
                "a 5 MB body, over the 4 MiB limit, with its length",
                413,
                "the limit is 4194304 bytes",
                () -> http.fresh()
                        .post(
                                "/api/predict",
                                JSON,
                                ("{" + repeat(" ", 5 << 20) + "}").getBytes(StandardCharsets.US_ASCII)));
        add(
                "a 5 MB body, over the 4 MiB limit, chunked without a length",
                413,
                "larger than the limit of 4194304 bytes",
                () -> http.fresh()
                        .send(
                                "POST",
                                "/api/predict",
                                BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                                        new java.io.ByteArrayInputStream("{".getBytes()),
                                        new Repeated(new byte[] {' '}, 5 << 20))),
                                "Content-Type",
                                JSON));
        add(
                "a JSON body sent as text/plain",
                415,
                "send Content-Type: application/json",
                () -> http.post("/api/predict", "text/plain", VALID.getBytes(StandardCharsets.UTF_8)));
        add(
                "a JSON body with no content type",
                415,
                "(none was sent)",
                () -> http.post("/api/predict", null, VALID.getBytes(StandardCharsets.UTF_8)));
        add("binary garbage as JSON", 400, "malformed JSON", () -> json(garbage(4096)));
        add(
                "non-UTF-8 bytes in a JSON key",
                400,
                "Invalid UTF-8",
                () -> json(concat("{\"vari", new byte[] {(byte) 0xFF, (byte) 0xFE}, "ance\": 1}")));
        add(
                "bytes that look like UTF-32 but are not (found by fuzzing)",
                400,
                "malformed JSON: invalid UTF-8 at byte offset 1 (counted from 0): a zero byte",
                () -> json(UTF32_GARBAGE));
        add(
                "an overlong '/' (C0 AF) in a JSON key",
                400,
                "invalid UTF-8 at byte offset 2 (counted from 0): 0xC0 starts an overlong",
                () -> json(concat("{\"", new byte[] {(byte) 0xC0, (byte) 0xAF}, VALID.substring(2))));
        add(
                "a three-byte overlong '/' (E0 80 AF) in a JSON key",
                400,
                "invalid UTF-8 at byte offset 2 (counted from 0): 0xE0 then 0x80 is an overlong",
                () -> json(concat("{\"", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, VALID.substring(2))));
        add(
                "valid JSON in UTF-16LE, no byte-order mark",
                400,
                "JSON must be UTF-8",
                () -> json(VALID.getBytes(StandardCharsets.UTF_16LE)));
        add(
                "valid JSON in UTF-16 with a byte-order mark",
                400,
                "0xFE begins a UTF-16 or UTF-32 byte-order mark",
                () -> json(VALID.getBytes(StandardCharsets.UTF_16)));
        add(
                "valid JSON in UTF-32",
                400,
                "JSON must be UTF-8",
                () -> json(VALID.getBytes(java.nio.charset.Charset.forName("UTF-32"))));
        add(
                "UTF-16 declared as charset=utf-16",
                415,
                "JSON is UTF-8",
                () -> http.post(
                        "/api/predict", "application/json; charset=utf-16", VALID.getBytes(StandardCharsets.UTF_16)));
        add(
                "3.4028235e38, which rounds to the largest float",
                200,
                "\"label\"",
                () -> json(VALID.replace("3.6", "3.4028235e38")));
        add(
                "3.5e38, which is infinite as a float",
                400,
                "'variance' is 3.5E38, beyond the model's float range",
                () -> json(VALID.replace("3.6", "3.5e38")));
        add("an empty batch", 400, "instances\\\" has no rows; send at least one", () -> json("{\"instances\": []}"));
        add(
                "a UTF-8 byte-order mark before valid JSON",
                200,
                "\"label\"",
                () -> json(concat("\uFEFF", new byte[0], VALID)));
    }

    private void queryAndFormCases() {
        add(
                "the query route with no parameters",
                400,
                "missing value for feature 'variance'",
                () -> http.get("/predict"));
        add(
                "a query value that is a word",
                400,
                "'variance' must be a finite decimal number, got 'abc'",
                () -> http.get("/predict?variance=abc&skewness=1&curtosis=1&entropy=1"));
        add(
                "NaN in the query",
                400,
                "'variance' must be a finite decimal number, got 'NaN'",
                () -> http.get("/predict?variance=NaN&skewness=1&curtosis=1&entropy=1"));
        add(
                "Infinity in the query",
                400,
                "'skewness' must be a finite decimal number, got 'Infinity'",
                () -> http.get("/predict?variance=1&skewness=Infinity&curtosis=1&entropy=1"));
        add(
                "a query value of 3.4028235e38, which rounds to the largest float",
                200,
                "\"label\"",
                () -> http.get("/predict?variance=3.4028235e38&skewness=1&curtosis=1&entropy=1"));
        add(
                "a query value of 3.5e38, infinite as a float",
                400,
                "'variance' is 3.5E38, beyond the model's float range",
                () -> http.get("/predict?variance=3.5e38&skewness=1&curtosis=1&entropy=1"));
        add(
                "a query value beyond float range",
                400,
                "beyond the model's float range",
                () -> http.get("/predict?variance=1e39&skewness=1&curtosis=1&entropy=1"));
        add(
                "a query value with 5,000 digits",
                400,
                "'variance' must be a finite decimal number, got '9999",
                () -> http.get("/predict?variance=" + repeat("9", 5_000) + "&skewness=1&curtosis=1&entropy=1"));
        add(
                "a feature given twice in the query",
                400,
                "'variance' is given 2 times",
                () -> http.get("/predict?variance=1&variance=2&skewness=1&curtosis=1&entropy=1"));
        add(
                "an unknown query parameter is ignored and told in the warnings",
                200,
                "'colour' is not an input of the model; it was ignored",
                () -> http.get("/predict?variance=1&skewness=1&curtosis=1&entropy=1&colour=red"));
        add(
                "a broken percent-escape in the query",
                400,
                "could not be read",
                () -> raw("GET /predict?variance=%ZZ&skewness=1&curtosis=1&entropy=1 HTTP/1.1\r\nHost: localhost\r\n"
                        + "Connection: close\r\n\r\n"));
        add(
                "a percent-escaped non-UTF-8 byte in the query",
                400,
                "could not be read",
                () -> http.get("/predict?variance=%FF&skewness=1&curtosis=1&entropy=1"));
        add(
                "a query string of 20 kB, past the header limit",
                414,
                "uri too long",
                () -> http.fresh().get("/predict?variance=" + repeat("1", 20_000)));
        add(
                "a header of 20 kB, past the header limit",
                431,
                "request header fields too large",
                () -> http.fresh().get("/predict", "X-Padding", repeat("p", 20_000)));
        add(
                "a form with a word for a number",
                400,
                "must be a finite decimal number",
                () -> http.postForm("/", "variance=abc&skewness=1&curtosis=1&entropy=1", "Accept", "text/html"));
        add(
                "a form with a feature missing",
                400,
                "missing value for feature",
                () -> http.postForm("/", "variance=1&skewness=1&curtosis=1", "Accept", "text/html"));
        add(
                "a form sent without a content type",
                415,
                "application/x-www-form-urlencoded",
                () -> http.post("/", null, "variance=1".getBytes(StandardCharsets.US_ASCII)));
        add(
                "JSON posted to the form",
                415,
                "application/x-www-form-urlencoded",
                () -> http.post("/", JSON, VALID.getBytes(StandardCharsets.UTF_8)));
        add(
                "a form with a percent-escaped non-UTF-8 byte",
                400,
                "could not be read",
                () -> http.postForm("/", "variance=%FF&skewness=1&curtosis=1&entropy=1"));
        add(
                "a 5 MB form, over the body limit",
                413,
                "the limit is 4194304 bytes",
                () -> http.fresh()
                        .post("/", FORM, ("variance=" + repeat("1", 5 << 20)).getBytes(StandardCharsets.US_ASCII)));
        add("binary garbage as a form", 400, "", () -> http.post("/", FORM, garbage(4096), "Accept", JSON));
    }

    private void csvCases() {
        add(
                "a CSV with a UTF-8 byte-order mark",
                200,
                "\"predictions\"",
                () -> csv("\uFEFF" + CSV_HEADER + "\n3.6,8.6,-2.8,-0.44\n"));
        add(
                "a CSV with CRLF line endings",
                200,
                "\"predictions\"",
                () -> csv(CSV_HEADER + "\r\n3.6,8.6,-2.8,-0.44\r\n1,2,3,4\r\n"));
        add(
                "a CSV with quoted fields and a quoted comma in an extra column",
                200,
                "\"predictions\"",
                () -> csv(
                        "\"variance\",\"skewness\",\"curtosis\",\"entropy\",\"note\"\n\"3.6\",\"8.6\",\"-2.8\",\"-0.44\",\"a, b\"\n"));
        add(
                "a bad value in the middle row of three",
                400,
                "\"row\":1",
                () -> csv(CSV_HEADER + "\n1,2,3,4\n1,abc,3,4\n1,2,3,4\n"));
        add(
                "a row with too few fields",
                400,
                "has 3 fields; the header has 4",
                () -> csv(CSV_HEADER + "\n1,2,3,4\n1,2,3\n"));
        add(
                "a row with too many fields",
                400,
                "has 5 fields; the header has 4",
                () -> csv(CSV_HEADER + "\n1,2,3,4,5\n"));
        add(
                "a CSV missing a feature column",
                400,
                "the CSV header has no column 'entropy'",
                () -> csv("variance,skewness,curtosis\n1,2,3\n"));
        add("a CSV with a header only", 400, "has a header but no data rows", () -> csv(CSV_HEADER + "\n"));
        add("an empty CSV", 400, "the CSV is empty", () -> csv(""));
        add(
                "3.4028235e38 in a CSV, which rounds to the largest float",
                200,
                "\"predictions\"",
                () -> csv(CSV_HEADER + "\n3.4028235e38,1,1,1\n"));
        add(
                "3.5e38 in a CSV, infinite as a float",
                400,
                "'variance' is 3.5E38, beyond the model's float range",
                () -> csv(CSV_HEADER + "\n3.5e38,1,1,1\n"));
        add("NaN in a CSV", 400, "must be a finite decimal number, got 'NaN'", () -> csv(CSV_HEADER + "\nNaN,1,1,1\n"));
        add("a CSV with an unclosed quote", 400, "malformed CSV", () -> csv(CSV_HEADER + "\n\"1,2,3,4\n"));
        add(
                "a CSV with a repeated column",
                400,
                "column 'entropy' appears twice in the header (columns 4 and 5)",
                () -> csv(CSV_HEADER + ",entropy\n1,2,3,4,5\n"));
        add(
                "a CSV header with an unclosed quote",
                400,
                "malformed CSV header: a quoted field that starts on line 1 is never closed",
                () -> csv("\"" + CSV_HEADER + "\n1,2,3,4\n"));
        add(
                "a CSV header with text after a closing quote",
                400,
                "malformed CSV header: text follows a closing quote on line 1",
                () -> csv("\"variance\"x,skewness,curtosis,entropy\n1,2,3,4\n"));
        add(
                "a semicolon CSV with decimal commas",
                200,
                "\"predictions\"",
                () -> csv("variance;skewness;curtosis;entropy\r\n3,6;8,6;-2,8;-0,44\r\n"));
        add(
                "a tab-separated CSV",
                200,
                "\"predictions\"",
                () -> csv("variance\tskewness\tcurtosis\tentropy\n3.6\t8.6\t-2.8\t-0.44\n"));
        add(
                "a semicolon CSV with a thousands separator and a decimal comma",
                400,
                "with both '.' and ','",
                () -> csv("variance;skewness;curtosis;entropy\n1.234,5;8,6;-2,8;-0,44\n"));
        add(
                "a semicolon CSV with a '.' that may group thousands",
                400,
                "where '.' may separate thousands",
                () -> csv("variance;skewness;curtosis;entropy\n1.234;8,6;-2,8;-0,44\n"));
        add(
                "a CSV with an unknown separator",
                400,
                "read as comma-separated, its columns are [variance|skewness",
                () -> csv("variance|skewness|curtosis|entropy\n1|2|3|4\n"));
        add(
                "a CSV whose first line never ends",
                400,
                "first line is longer than 1048576 characters",
                () -> csv("v".repeat((1 << 20) + 10)));
        add(
                "a CSV with non-UTF-8 bytes",
                400,
                "not valid UTF-8",
                () -> csv(concat(CSV_HEADER + "\n1,2,3,", new byte[] {(byte) 0xC3, (byte) 0x28}, "\n")));
        add("binary garbage as a CSV", 400, "", () -> csv(garbage(8192)));
        add(
                "a CSV posted as JSON",
                415,
                "send Content-Type: multipart/form-data",
                () -> http.post("/predict_file", JSON, VALID.getBytes(StandardCharsets.UTF_8)));
        add(
                "multipart without a boundary",
                400,
                "not a well-formed multipart/form-data upload",
                () -> http.post("/predict_file", "multipart/form-data", "x".getBytes(StandardCharsets.US_ASCII)));
        add("multipart cut before its closing boundary", 400, "not a well-formed multipart/form-data upload", () -> {
            Multipart m = Multipart.csv(CSV_HEADER + "\n1,2,3,4\n");
            byte[] whole = m.bytes();
            return http.post("/predict_file", m.contentType(), java.util.Arrays.copyOf(whole, whole.length - 30));
        });
        add(
                "the CSV in a field not named file",
                400,
                "unexpected multipart field(s) [data]",
                () -> http.upload(
                        "/predict_file",
                        new Multipart()
                                .file(
                                        "data",
                                        "d.csv",
                                        "text/csv",
                                        (CSV_HEADER + "\n1,2,3,4\n").getBytes(StandardCharsets.UTF_8))));
        add(
                "an extra multipart field beside the file",
                400,
                "unexpected multipart field(s) [note]",
                () -> http.upload(
                        "/predict_file",
                        Multipart.csv(CSV_HEADER + "\n1,2,3,4\n").text("note", "hi")));
        add(
                "a 10-million-row CSV streamed, past the 2,000,000-row limit",
                413,
                "more than 2000000 data rows",
                HostileInputTest::tenMillionRows);
    }

    private static byte[] gzip(String text) {
        return GzipInputTest.gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code before}, then {@code size} bytes of spaces or blank lines, in a small gzip stream. A mebibyte of filler is
     * deflated once after a full flush (so that it refers to nothing before it) and its deflated bytes repeated: the
     * same inflated bytes as deflating all of them, which cost 1.6 s of CPU for the 256 MiB bomb.
     */
    private static byte[] bomb(String before, char filler, int size) {
        byte[] block = new byte[1 << 20];
        java.util.Arrays.fill(block, (byte) filler);
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}); // gzip's header, no name
        out.writeBytes(deflated(deflater, head, java.util.zip.Deflater.FULL_FLUSH));
        crc.update(head);
        byte[] deflatedBlock = deflated(deflater, block, java.util.zip.Deflater.FULL_FLUSH);
        for (int i = 0; i < size >> 20; i++) {
            out.writeBytes(deflatedBlock);
            crc.update(block);
        }
        deflater.finish();
        out.writeBytes(deflated(deflater, new byte[0], java.util.zip.Deflater.NO_FLUSH));
        deflater.end();
        long length = head.length + (long) (size >> 20) * block.length;
        for (long field : new long[] {crc.getValue(), length}) { // the trailer: CRC-32 and length mod 2^32, LSB first
            for (int b = 0; b < 4; b++) {
                out.write((int) (field >>> (8 * b)) & 0xff);
            }
        }
        return out.toByteArray();
    }

    /** What {@code deflater} gives for {@code input} up to the flush asked for (or, once finished, to its end). */
    private static byte[] deflated(java.util.zip.Deflater deflater, byte[] input, int flush) {
        deflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 << 10];
        while (true) {
            int n = deflater.deflate(buffer, 0, buffer.length, flush);
            out.write(buffer, 0, n);
            if (deflater.finished() || (n < buffer.length && deflater.needsInput())) {
                return out.toByteArray();
            }
        }
    }

    private static Http.Response gzipUpload(String filename, byte[] content) {
        return http.upload("/predict_file", new Multipart().file("file", filename, "application/gzip", content));
    }

    private void gzipCases() {
        add(
                "gzip-encoded JSON",
                200,
                "\"label\"",
                () -> http.post("/api/predict", JSON, gzip(VALID), "Content-Encoding", "gzip"));
        add(
                "gzip-encoded v2 infer",
                200,
                "\"outputs\"",
                () -> http.post(
                        INFER,
                        JSON,
                        gzip(v2("FP32", "[1, 4]", "[3.6, 8.6, -2.8, -0.44]")),
                        "Content-Encoding",
                        "gzip"));
        add(
                "a gzip bomb as JSON (64 MiB of spaces in 64 kB)",
                413,
                "the body inflated is larger than the limit of 4194304 bytes",
                () -> http.fresh()
                        .post(
                                "/api/predict",
                                JSON,
                                bomb("{\"variance\": ", ' ', 64 << 20),
                                "Content-Encoding",
                                "gzip"));
        add(
                "a gzip bomb to v2 infer",
                413,
                "the body inflated is larger than the limit",
                () -> http.fresh().post(INFER, JSON, bomb("{\"inputs\": ", ' ', 16 << 20), "Content-Encoding", "gzip"));
        add("corrupt gzip as JSON", 400, "could not be inflated: the gzip data is corrupt", () -> {
            byte[] body = gzip(VALID);
            body[10] = (byte) 0xff; // the first deflate block's header: a block type that does not exist
            return http.post("/api/predict", JSON, body, "Content-Encoding", "gzip");
        });
        add(
                "JSON said to be gzip but sent plain",
                400,
                "could not be inflated: the data is not gzip",
                () -> http.post(
                        "/api/predict", JSON, VALID.getBytes(StandardCharsets.UTF_8), "Content-Encoding", "gzip"));
        add(
                "a brotli-encoded body",
                415,
                "Content-Encoding br is not supported",
                () -> http.post(
                        "/api/predict", JSON, VALID.getBytes(StandardCharsets.UTF_8), "Content-Encoding", "br"));
        add("a gzip-encoded multipart upload", 415, "a gzip-encoded multipart/form-data body cannot be read", () -> {
            Multipart m = Multipart.csv(CSV_HEADER + "\n3.6,8.6,-2.8,-0.44\n");
            return http.post(
                    "/predict_file", m.contentType(), GzipInputTest.gzip(m.bytes()), "Content-Encoding", "gzip");
        });
        add(
                "a .csv.gz upload",
                200,
                "\"predictions\"",
                () -> gzipUpload("notes.csv.gz", gzip(CSV_HEADER + "\n3.6,8.6,-2.8,-0.44\n1,2,3,4\n")));
        add(
                "a gzip upload named .csv (known by its first bytes)",
                200,
                "\"predictions\"",
                () -> gzipUpload("notes.csv", gzip("variance;skewness;curtosis;entropy\n3,6;8,6;-2,8;-0,44\n")));
        add(
                "a .csv.gz bomb (256 MiB of blank lines in 256 kB), past the 200 MiB upload limit",
                413,
                "the file inflated is larger than the limit of 209715200 bytes",
                () -> gzipUpload("bomb.csv.gz", bomb(CSV_HEADER + "\n3.6,8.6,-2.8,-0.44\n", '\n', 256 << 20)));
        add(
                "a .csv.gz that is cut short",
                400,
                "could not be inflated: the gzip data ends before it is complete",
                () -> {
                    byte[] whole = gzip(CSV_HEADER + "\n3.6,8.6,-2.8,-0.44\n");
                    return gzipUpload("notes.csv.gz", java.util.Arrays.copyOf(whole, whole.length - 6));
                });
    }

    private void v2Cases() {
        add("v2: malformed JSON", 400, "{\"error\":\"malformed JSON", () -> infer("{\"inputs\": ["));
        add("v2: an empty body", 400, "the body is empty", () -> infer(""));
        add("v2: no inputs", 400, "must be an array holding the input 'input', got nothing", () -> infer("{}"));
        add(
                "v2: a shape that does not match the data",
                400,
                "which needs",
                () -> infer(v2("FP32", "[1, 4]", "[1, 2, 3]")));
        add(
                "v2: a shape with the wrong feature count",
                400,
                "must have shape [N, 4]",
                () -> infer(v2("FP32", "[1, 3]", "[1, 2, 3]")));
        add(
                "v2: a BOOL datatype",
                400,
                "has datatype 'BOOL'",
                () -> infer(v2("BOOL", "[1, 4]", "[true, true, true, true]")));
        add(
                "v2: FP64 data that is not exactly a float32",
                400,
                "is not exactly a float32",
                () -> infer(v2("FP64", "[1, 4]", "[0.1, 1, 1, 1]")));
        add(
                "v2: strings as data",
                400,
                "must be a number (FP32), got a string",
                () -> infer(v2("FP32", "[1, 4]", "[\"1\", 1, 1, 1]")));
        add(
                "v2: a NaN literal",
                400,
                "is NaN (a missing value), but 'variance' may not be missing",
                () -> infer(v2("FP32", "[1, 4]", "[NaN, 1, 1, 1]")));
        add(
                "v2: a value beyond FP32 range",
                400,
                "is outside the FP32 range",
                () -> infer(v2("FP32", "[1, 4]", "[1e39, 1, 1, 1]")));
        add(
                "v2: a shape with a billion rows but four values",
                400,
                "which needs 4000000000 values, but its data has 4",
                () -> infer(v2("FP32", "[1000000000, 4]", "[1, 2, 3, 4]")));
        add(
                "v2: 10,001 rows, one past the batch limit",
                413,
                "at most 10000",
                () -> infer(v2(
                        "FP32",
                        "[10001, 4]",
                        "[" + String.join(",", java.util.Collections.nCopies(10_001 * 4, "1")) + "]")));
        add(
                "v2: a negative dimension",
                400,
                "must be a whole number >= 0",
                () -> infer(v2("FP32", "[-1, 4]", "[1, 2, 3, 4]")));
        add(
                "v2: data nested 10,000 deep",
                400,
                "nesting depth",
                () -> infer(v2("FP32", "[1, 4]", repeat("[", 10_000) + repeat("]", 10_000))));
        add(
                "v2: an unknown model",
                404,
                "no model named 'other'",
                () -> http.post(
                        "/v2/models/other/infer",
                        JSON,
                        v2("FP32", "[1, 4]", "[1, 2, 3, 4]").getBytes(StandardCharsets.UTF_8)));
        add(
                "v2: text/plain",
                415,
                "send Content-Type: application/json",
                () -> http.post(
                        INFER,
                        "text/plain",
                        v2("FP32", "[1, 4]", "[1, 2, 3, 4]").getBytes(StandardCharsets.UTF_8)));
        add("v2: GET on infer", 405, "allowed: OPTIONS, POST", () -> http.get(INFER));
        add("v2: binary garbage", 400, "malformed JSON", () -> http.post(INFER, JSON, garbage(4096)));
        add(
                "v2: bytes that look like UTF-32 but are not",
                400,
                "malformed JSON: invalid UTF-8 at byte offset 1",
                () -> http.post(INFER, JSON, UTF32_GARBAGE));
        add(
                "v2: an overlong '/' (E0 80 AF) in a key",
                400,
                "invalid UTF-8 at byte offset 2 (counted from 0)",
                () -> http.post(
                        INFER,
                        JSON,
                        concat(
                                "{\"",
                                new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                                v2("FP32", "[1, 4]", "[1, 2, 3, 4]").substring(2))));
        add(
                "v2: UTF-16LE",
                400,
                "JSON must be UTF-8",
                () -> http.post(
                        INFER, JSON, v2("FP32", "[1, 4]", "[1, 2, 3, 4]").getBytes(StandardCharsets.UTF_16LE)));
        add(
                "v2: FP32 3.4028235e38, which rounds to the largest float",
                200,
                "\"outputs\"",
                () -> infer(v2("FP32", "[1, 4]", "[3.4028235e38, 1, 1, 1]")));
        add(
                "v2: FP32 3.5e38, which is infinite as a float",
                400,
                "feature 'variance') (3.5E38) is outside the FP32 range",
                () -> infer(v2("FP32", "[1, 4]", "[3.5e38, 1, 1, 1]")));
        add("v2: a shape of no rows", 400, "has no rows", () -> infer(v2("FP32", "[0, 4]", "[]")));
    }

    private void mlflowCases() {
        add(
                "mlflow: no input field MLflow knows",
                400,
                "exactly one of the input fields",
                () -> invocations("{\"data\": [[1, 2, 3, 4]]}"));
        add(
                "mlflow: two input fields",
                400,
                "received the fields [\\\"instances\\\", \\\"inputs\\\"]",
                () -> invocations("{\"instances\": [[1, 2, 3, 4]], \"inputs\": [[1, 2, 3, 4]]}"));
        add(
                "mlflow: a stray field beside the input",
                400,
                "unexpected field \\\"colums\\\"",
                () -> invocations("{\"instances\": [[1, 2, 3, 4]], \"colums\": []}"));
        add("mlflow: a list at the top level", 400, "received an array", () -> invocations("[[1, 2, 3, 4]]"));
        add(
                "mlflow: ragged split data",
                400,
                "has 3 values; \\\"columns\\\" names 4",
                () -> invocations("{\"dataframe_split\": {\"columns\": [\"variance\", \"skewness\", \"curtosis\", "
                        + "\"entropy\"], \"data\": [[1, 2, 3, 4], [1, 2, 3]]}}"));
        add(
                "mlflow: columns of different lengths",
                400,
                "must all have the same number of values",
                () -> invocations(
                        "{\"inputs\": {\"variance\": [1, 2], \"skewness\": [1], \"curtosis\": [1], \"entropy\": [1]}}"));
        add(
                "mlflow: text where a number belongs",
                400,
                "'skewness' must be a number, got a string",
                () -> invocations(
                        "{\"dataframe_records\": [{\"variance\": 1, \"skewness\": \"2\", \"curtosis\": 3, \"entropy\": 4}]}"));
        add(
                "mlflow: text in a CSV number",
                400,
                "'entropy' must be a finite decimal number",
                () -> http.post(
                        "/invocations", "text/csv", (CSV_HEADER + "\n1,2,3,x\n").getBytes(StandardCharsets.UTF_8)));
        add(
                "mlflow: 10,001 rows, one past the batch limit",
                413,
                "more than 10000 rows in one request",
                () -> invocations(
                        "{\"instances\": [" + ",[1,2,3,4]".repeat(10_001).substring(1) + "]}"));
        add(
                "mlflow: a CSV of 10,001 rows",
                413,
                "more than 10000 data rows",
                () -> http.post(
                        "/invocations",
                        "text/csv",
                        (CSV_HEADER + "\n" + "1,2,3,4\n".repeat(10_001)).getBytes(StandardCharsets.UTF_8)));
        add(
                "mlflow: a split frame nested 10,000 deep",
                400,
                "nesting depth",
                () -> invocations("{\"dataframe_split\": {\"columns\": [\"variance\", \"skewness\", \"curtosis\", "
                        + "\"entropy\"], \"data\": " + repeat("[", 10_000) + repeat("]", 10_000) + "}}"));
        add(
                "mlflow: a split frame nested 10,000 deep before its columns",
                400,
                "nesting depth",
                () -> invocations("{\"dataframe_split\": {\"data\": " + repeat("[", 10_000) + repeat("]", 10_000)
                        + ", \"columns\": [\"variance\", \"skewness\", \"curtosis\", \"entropy\"]}}"));
        add(
                "mlflow: application/csv, which MLflow's server refuses too",
                415,
                "application/json or text/csv",
                () -> http.post("/invocations", "application/csv", "a\n1\n".getBytes(StandardCharsets.UTF_8)));
        add(
                "mlflow: no records",
                400,
                "dataframe_records\\\" has no rows; send at least one",
                () -> invocations("{\"dataframe_records\": []}"));
        add(
                "mlflow: an empty split frame",
                400,
                "dataframe_split\\\" has no rows",
                () -> invocations("{\"dataframe_split\": {\"columns\": [\"variance\", \"skewness\", \"curtosis\", "
                        + "\"entropy\"], \"data\": []}}"));
        add(
                "mlflow: a CSV with a header only",
                400,
                "no data rows",
                () -> http.post("/invocations", "text/csv", (CSV_HEADER + "\n").getBytes(StandardCharsets.UTF_8)));
        add(
                "mlflow: UTF-16 JSON with a byte-order mark",
                400,
                "JSON must be UTF-8",
                () -> http.post(
                        "/invocations", JSON, "{\"instances\": [[1, 2, 3, 4]]}".getBytes(StandardCharsets.UTF_16)));
        add(
                "mlflow: 3.4028235e38, which rounds to the largest float",
                200,
                "\"predictions\"",
                () -> invocations("{\"instances\": [[3.4028235e38, 1, 1, 1]]}"));
        add(
                "mlflow: 3.5e38, which is infinite as a float",
                400,
                "'variance' is 3.5E38, beyond the model's float range",
                () -> invocations("{\"instances\": [[3.5e38, 1, 1, 1]]}"));
        add(
                "mlflow: a charset other than UTF-8",
                415,
                "UTF-8 only",
                () -> http.post(
                        "/invocations", "application/json; charset=iso-8859-1", "{}".getBytes(StandardCharsets.UTF_8)));
        add(
                "mlflow: a JSON body declaring 5 MB, waiting for 100 Continue",
                413,
                "the limit is 4194304 bytes",
                () -> expectingContinue("/invocations", JSON, 5 << 20));
    }

    /** Headers only, waiting for {@code 100 Continue}: a refusal must come instead, and end the connection. */
    private static Http.Response expectingContinue(String path, String contentType, long length) {
        return raw("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + length + "\r\nExpect: 100-continue\r\nAccept: application/json\r\n\r\n");
    }

    private void limitAndListingCases() {
        add(
                "a JSON body declaring 5 MB, headers only, waiting for 100 Continue",
                413,
                "the body has 5242880 bytes; the limit is 4194304 bytes",
                () -> expectingContinue("/api/predict", JSON, 5 << 20));
        add(
                "a v2 body declaring 5 MB, waiting for 100 Continue",
                413,
                "the limit is 4194304 bytes",
                () -> expectingContinue(INFER, JSON, 5 << 20));
        add(
                "a form declaring 5 MB, waiting for 100 Continue",
                413,
                "the form has 5242880 bytes",
                () -> expectingContinue("/", FORM, 5 << 20));
        add(
                "an upload declaring 2 GB, waiting for 100 Continue",
                413,
                "the upload has 2147483648 bytes",
                () -> expectingContinue("/predict_file", "multipart/form-data; boundary=b", 2L << 30));
        add("a directory of static files", 404, "no route for GET /static/", () -> http.get("/static/"));
        add("the webjars directory", 404, "no route for GET /webjars/", () -> http.get("/webjars/"));
        add(
                "Swagger UI's webjar directory",
                404,
                "no route for GET /webjars/swagger-ui/",
                () -> http.get("/webjars/swagger-ui/"));
    }

    /** Versions in paths: only 1, 2, 3 … in ASCII digits name one; other spellings of 1 are a 404 naming them. */
    private void versionCases() {
        String model = "/models/banknote-authenticator/versions/";
        add("version 1 in a path", 200, "\"label\"", () -> http.postJson(model + "1/api/predict", VALID));
        add(
                "version 01 in a path",
                404,
                "no version '01' of model 'banknote-authenticator'",
                () -> http.postJson(model + "01/api/predict", VALID));
        add("version +1 in a path", 404, "no version '+1'", () -> http.postJson(model + "+1/api/predict", VALID));
        add(
                "version fullwidth 1 in a path",
                404,
                "no version '\uFF11'",
                () -> http.postJson(model + "%EF%BC%91/api/predict", VALID));
        add(
                "v2: version 01 in a path",
                404,
                "no version '01'",
                () -> http.get("/v2/models/banknote-authenticator/versions/01/ready"));
        add(
                "v2: version +1 in an infer path",
                404,
                "no version '+1'",
                () -> http.post(
                        "/v2/models/banknote-authenticator/versions/+1/infer",
                        JSON,
                        v2("FP32", "[1, 4]", "[1, 2, 3, 4]").getBytes(StandardCharsets.UTF_8)));
    }

    @TestFactory
    Stream<DynamicTest> everyHostileRequestGetsItsExactStatusAndErrorNeverA5xxAndTheServerAnswersTheNextValidRequest() {
        jsonCases();
        queryAndFormCases();
        csvCases();
        v2Cases();
        mlflowCases();
        gzipCases();
        limitAndListingCases();
        versionCases();
        assertTrue(cases.size() >= 60, "the table has " + cases.size() + " cases");
        return cases.stream()
                .map(c -> DynamicTest.dynamicTest(c.name() + " → " + c.status(), () -> {
                    Http.Response response = c.send().get();
                    assertTrue(
                            response.status() < 500,
                            () -> c.name() + " got a " + response.status() + ": " + response.text());
                    assertEquals(c.status(), response.status(), () -> c.name() + ": " + response.text());
                    String body = response.text();
                    assertTrue(
                            body.toLowerCase(java.util.Locale.ROOT)
                                    .contains(c.expected().toLowerCase(java.util.Locale.ROOT)),
                            () -> c.name() + ": expected '" + c.expected() + "' in " + abbreviate(body));
                    assertServerStillPredicts();
                }));
    }

    /** A model of text and number columns (skl2onnx, penguins): island and sex text, the measurements may be missing. */
    @RegisterExtension
    static final Http typed = Http.startingTheApp(
            "--model",
            java.nio.file.Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx")
                    .toAbsolutePath()
                    .toString());

    private static final String TYPED_HEADER = "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex";

    private static Case typedCase(String name, int status, String expected, Supplier<Http.Response> send) {
        return new Case(name, send, status, expected);
    }

    private static Http.Response typedCsv(String content) {
        return typed.upload("/predict_file", Multipart.csv(content));
    }

    /**
     * Hostile CSV uploads to a model of typed columns: each gets its exact status and names the field (or warns), and
     * the server then still answers a valid upload.
     */
    @TestFactory
    Stream<DynamicTest> typedCsvUploadsGetTheirExactStatusNamingTheFieldAndTheServerAnswersTheNextValidUpload() {
        List<Case> typedCases = new ArrayList<>();
        String quotes = "\"Dr\"\"e,am; \"\"x\"\"\t|\n, \"\"\"\"\"";
        typedCases.add(typedCase(
                "a text column full of quotes, separators and a line break",
                200,
                "the model has not seen 'island' = \\\"Dr\\\"e,am; \\\"x\\\"\\t|\\n, \\\"\\\"\\\"",
                () -> typedCsv(TYPED_HEADER + "\n" + quotes + ",39.1,18.7,181,3750,MALE\n")));
        typedCases.add(typedCase(
                "text in a number column",
                400,
                "'body_mass_g' must be a finite decimal number, got 'heavy'",
                () -> typedCsv(TYPED_HEADER + "\nDream,39.1,18.7,181,3750,MALE\nDream,39.1,18.7,181,heavy,MALE\n")));
        typedCases.add(typedCase(
                "text in a number column names the field and row",
                400,
                "\"row\":1",
                () -> typedCsv(TYPED_HEADER + "\nDream,39.1,18.7,181,3750,MALE\nDream,39.1,18.7,181,heavy,MALE\n")));
        typedCases.add(typedCase(
                "an unknown category the model takes is a warning naming the known values",
                200,
                "the model has not seen 'sex' = \\\"unknown\\\" (the model knows [FEMALE, MALE])",
                () -> typedCsv(TYPED_HEADER + "\nDream,39.1,18.7,181,3750,unknown\n")));
        typedCases.add(typedCase(
                "an empty text cell is a missing value, which text cannot be",
                400,
                "missing value for 'sex' (a text value cannot be missing)\",\"row\":0",
                () -> typedCsv(TYPED_HEADER + "\nDream,39.1,18.7,181,3750,\n")));
        typedCases.add(typedCase(
                "an empty number cell the model imputes is taken",
                200,
                "\"predictions\"",
                () -> typedCsv(TYPED_HEADER + "\nDream,,18.7,,3750,FEMALE\n")));
        typedCases.add(typedCase(
                "a text value past the model's limit",
                400,
                "'island' has 20000 characters",
                () -> typedCsv(TYPED_HEADER + "\n" + "x".repeat(20_000) + ",39.1,18.7,181,3750,MALE\n")));
        // Past the CSV cell limit (65,536 characters) too: refused as the reader meets it, naming the column.
        typedCases.add(typedCase(
                "a text value past the limit",
                413,
                "the cell of column 'island' of row 0 (line 2)",
                () -> typedCsv(TYPED_HEADER + "\n" + "x".repeat(100_000) + ",39.1,18.7,181,3750,MALE\n")));
        return typedCases.stream()
                .map(c -> DynamicTest.dynamicTest(c.name() + " → " + c.status(), () -> {
                    Http.Response response = c.send().get();
                    assertEquals(c.status(), response.status(), () -> c.name() + ": " + abbreviate(response.text()));
                    assertTrue(
                            response.text().contains(c.expected()),
                            () -> c.name() + ": expected '" + c.expected() + "' in " + abbreviate(response.text()));
                    assertEquals(
                            "Adelie",
                            typed.fresh()
                                    .upload(
                                            "/predict_file",
                                            Multipart.csv(TYPED_HEADER + "\nTorgersen,39.1,18.7,181,3750,MALE\n"))
                                    .json()
                                    .path("predictions")
                                    .path(0)
                                    .path("label")
                                    .asText());
                }));
    }

    private static String abbreviate(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
    }

    private static void assertServerStillPredicts() {
        assertEquals(
                "0",
                http.fresh()
                        .postJson("/api/predict", VALID)
                        .json()
                        .path("label")
                        .asText());
    }

    /**
     * A body produced on the fly, never held whole in memory: {@code count} copies of {@code unit}, read a tile of
     * whole copies (about 64 kB) at a time, so that sending 80 MB costs a copy per tile rather than a call per byte.
     */
    private static final class Repeated extends InputStream {
        private final byte[] tile;
        private final long length;
        private long position;

        Repeated(byte[] unit, long count) {
            int copies = Math.max(1, (64 << 10) / unit.length);
            tile = new byte[copies * unit.length];
            for (int i = 0; i < copies; i++) {
                System.arraycopy(unit, 0, tile, i * unit.length, unit.length);
            }
            length = count * unit.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (count == 0) {
                return 0;
            }
            if (position >= length) {
                return -1;
            }
            int at = (int) (position % tile.length); // the tile is whole copies: byte p is the unit's p % its length
            int n = (int) Math.min(Math.min(count, length - position), tile.length - at);
            System.arraycopy(tile, at, buffer, offset, n);
            position += n;
            return n;
        }
    }

    /**
     * A multipart upload of 10,000,000 rows ("1,2,3,4\n", 80 MB, within the 200 MiB upload limit) made row by row as
     * the client sends it: the row limit, not memory, must stop it.
     */
    private static Http.Response tenMillionRows() {
        long rows = 10_000_000;
        Multipart shape = Multipart.csv(new byte[0]);
        byte[] empty = shape.bytes();
        String text = new String(empty, StandardCharsets.US_ASCII);
        int split = text.indexOf("\r\n\r\n") + 4;
        byte[] prefix = concat(text.substring(0, split), (CSV_HEADER + "\n").getBytes(StandardCharsets.US_ASCII), "");
        byte[] suffix = text.substring(split).getBytes(StandardCharsets.US_ASCII);
        byte[] row = "1,2,3,4\n".getBytes(StandardCharsets.US_ASCII);
        long total = prefix.length + rows * row.length + suffix.length;
        return http.fresh()
                .send(
                        "POST",
                        "/predict_file",
                        BodyPublishers.fromPublisher(
                                BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                                        new java.io.ByteArrayInputStream(prefix),
                                        new java.io.SequenceInputStream(
                                                new Repeated(row, rows), new java.io.ByteArrayInputStream(suffix)))),
                                total),
                        "Content-Type",
                        shape.contentType());
    }

    /** Sends a request as written (which the JDK client would refuse to send) and reads the answer to its end. */
    private static Http.Response raw(String request) {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String answer = readUntilClosed(socket);
            int end = answer.indexOf("\r\n\r\n");
            String[] lines = answer.substring(0, end).split("\r\n");
            java.util.Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                String[] pair = lines[i].split(":", 2);
                headers.computeIfAbsent(pair[0].strip(), k -> new ArrayList<>()).add(pair[1].strip());
            }
            String body = answer.substring(end + 4);
            if (headers.containsKey("Transfer-Encoding")) {
                body = body.replaceAll("(?m)^[0-9a-fA-F]+\r\n", "").replace("\r\n", "");
            }
            Http.Response response = new Http.Response(
                    request.lines().findFirst().orElseThrow(),
                    Integer.parseInt(lines[0].split(" ")[1]),
                    java.net.http.HttpHeaders.of(headers, (a, b) -> true),
                    body.getBytes(StandardCharsets.ISO_8859_1));
            response.assertRevealsNothingAboutTheServer();
            return response;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Opens a raw connection to the server. */
    private static Socket connect() throws IOException {
        URI uri = http.uri("/");
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout((IDLE_SECONDS + 8) * 1000);
        return socket;
    }

    /** Reads until the server closes the connection; returns what it sent and how long it took. */
    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                answer.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // reset by the server: closed as well
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Issue 21, case 11: the 400s Jetty gives before the web app sees a request (a {@code ..} or an encoded {@code /}
     * in the path, bad UTF-8) carry the same security headers as the app's own answers, read from the app itself.
     */
    @Test
    void requestsRefusedBeforeTheAppCarryTheAppsSecurityHeaders() {
        Http.Response app = raw("GET /no/such/route HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(404, app.status(), app.text());
        for (String path : List.of("/%2e%2e/", "/a%2Fb", "/%C0%AF")) {
            Http.Response refused = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertEquals(400, refused.status(), () -> path + ": " + refused.text());
            for (String header : List.of(
                    "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")) {
                assertTrue(app.header(header).isPresent(), () -> "the app's answer has no " + header);
                assertEquals(app.header(header), refused.header(header), () -> path + ": " + header);
            }
        }
        assertServerStillPredicts();
    }

    @Test
    void aSlowLorisClientThatStopsHalfWayThroughItsHeadersIsCutByTheIdleTimeoutAndTheNextRequestSucceeds()
            throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /predict?variance=1&skewness=1&curtosis=1&entropy=1 HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            String answer;
            try {
                answer = readUntilClosed(socket);
            } catch (SocketTimeoutException e) {
                throw new AssertionError(
                        "the server kept a half-sent request open for more than " + (IDLE_SECONDS + 8) + " s");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= IDLE_SECONDS * 1000L - 200, "closed after " + millis + " ms, before the idle timeout");
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), () -> "answered: " + answer);
        }
        assertServerStillPredicts();
    }

    @Test
    void aClientThatTricklesItsHeadersByteByByteSlowerThanTheIdleTimeoutIsCut() throws Exception {
        byte[] request = "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            boolean cut = false;
            long start = System.nanoTime();
            for (int i = 0; i < request.length && !cut; i++) {
                try {
                    out.write(request[i]);
                    out.flush();
                    Thread.sleep(i < 3 ? 100 : (IDLE_SECONDS + 1) * 1000L);
                } catch (java.net.SocketException e) {
                    cut = true;
                }
                if (!cut && socket.getInputStream().available() == 0 && i >= 3) {
                    socket.setSoTimeout(50);
                    try {
                        cut = socket.getInputStream().read() == -1;
                    } catch (SocketTimeoutException stillOpen) {
                        // the server still waits
                    } catch (java.net.SocketException reset) {
                        cut = true;
                    }
                }
            }
            assertTrue(cut, "the server still held the connection after the whole request was trickled");
            assertTrue((System.nanoTime() - start) / 1_000_000_000 < 15, "cut within a few idle timeouts");
        }
        assertServerStillPredicts();
    }

    @Test
    void aClientThatTricklesItsHeadersFasterThanTheIdleTimeoutIsCutAtTheHeaderDeadline() throws Exception {
        // One byte every half idle timeout: never silent long enough for the idle timeout, endless without a deadline.
        byte[] request = ("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = connect()) {
            socket.setSoTimeout(IDLE_SECONDS * 500);
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0;
                    i < request.length && !cut && System.nanoTime() - start < HEADER_SECONDS * 3_000_000_000L;
                    i++) {
                try {
                    out.write(request[i]);
                    out.flush();
                    cut = socket.getInputStream().read() == -1; // waits half an idle timeout for the server to close
                    if (!cut) {
                        throw new AssertionError("the server answered a request whose headers were not all sent");
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // the server still waits for the rest: send the next byte
                } catch (java.net.SocketException reset) {
                    cut = true;
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(cut, "the server still held the connection after " + millis + " ms of trickled headers");
            assertTrue(
                    millis >= HEADER_SECONDS * 1000L - 200, "cut after " + millis + " ms, before the header deadline");
            assertTrue(millis < HEADER_SECONDS * 2000L, "cut after " + millis + " ms, long after the header deadline");
        }
        assertServerStillPredicts();
    }

    @Test
    void aClientThatSendsItsHeadersInTimeIsNotCutByTheHeaderDeadlineWhileItsBodyIsSlow() throws Exception {
        // The deadline covers headers only: a body may take longer in all, as long as it is never silent too long
        // (and arrives faster than the minimum rate: 8 bytes/s here, twice the minimum).
        String body = "{\"variance\": 3.6, \"skewness\": -4.1, \"curtosis\": 4.5, \"entropy\": -0.2}";
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            int sent = 0;
            while ((System.nanoTime() - start) / 1_000_000 < HEADER_SECONDS * 1500L) {
                out.write(body.substring(sent, sent + 2 * MIN_RATE * IDLE_SECONDS / 4)
                        .getBytes(StandardCharsets.US_ASCII));
                sent += 2 * MIN_RATE * IDLE_SECONDS / 4;
                out.flush();
                Thread.sleep(IDLE_SECONDS * 250L);
            }
            out.write(body.substring(sent).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readUntilClosed(socket);
            assertTrue(answer.startsWith("HTTP/1.1 200"), () -> "answered: " + answer);
        }
    }

    @Test
    void aBodyThatStopsHalfWayIsCutByTheIdleTimeoutWithoutA5xxAndTheNextRequestSucceeds() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 200\r\n\r\n{\"variance\": 3.6, ")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readUntilClosed(socket);
            assertTrue(answer.isEmpty() || answer.matches("(?s)HTTP/1.1 4\\d\\d .*"), () -> "answered: " + answer);
        }
        assertServerStillPredicts();
    }

    @Test
    void anUploadThatStopsHalfWayIsCutByTheIdleTimeoutWithoutA5xxAndTheNextRequestSucceeds() throws Exception {
        Multipart upload = Multipart.csv(CSV_HEADER + "\n1,2,3,4\n");
        byte[] whole = upload.bytes();
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /predict_file HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + upload.contentType()
                            + "\r\nContent-Length: " + whole.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(whole, 0, whole.length / 2);
            out.flush();
            String answer = readUntilClosed(socket);
            assertTrue(answer.isEmpty() || answer.matches("(?s)HTTP/1.1 4\\d\\d .*"), () -> "answered: " + answer);
        }
        assertServerStillPredicts();
    }

    @Test
    void aBrokenChunkedEncodingGetsA400NotA5xxAndTheNextRequestSucceeds() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"var\r\nZZZ\r\nnot a chunk\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readUntilClosed(socket);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), () -> "answered: " + answer);
        }
        assertServerStillPredicts();
    }

    /** What became of one trickling upload: the server's answer (empty when it closed without one) and when. */
    private record Trickled(String answer, long millis) {}

    @Test
    void bodiesThatTrickleAreCutWith408AtTheMinimumRateAndSmallRequestsNeverWaitBehindThem() throws Exception {
        // More trickling bodies than the default 64 requests at once, each sending one byte a second (a quarter of
        // the minimum rate) after valid headers: a multipart upload declaring 10 MB, a chunked JSON body, or a small
        // JSON body of 1000 bytes. Before, they held every slot (each byte restarts the idle timeout) and small
        // requests got 503 until the clients gave up. Now uploads may hold half the slots, a small body takes one
        // only once it has arrived, and each trickler is cut when the grace period ends.
        int uploads = 80;
        Multipart upload = Multipart.csv(CSV_HEADER + "\n1,2,3,4\n".repeat(1000));
        byte[] multipart = upload.bytes();
        List<Socket> sockets = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        int[] sent = new int[uploads];
        Trickled[] ends = new Trickled[uploads];
        long start = System.nanoTime();
        try {
            for (int i = 0; i < uploads; i++) {
                Socket socket = connect();
                socket.setSoTimeout(1);
                String head = switch (kind(i)) {
                    case 0 ->
                        "POST /predict_file HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + upload.contentType()
                                + "\r\nContent-Length: 10000000\r\n\r\n";
                    case 1 ->
                        "POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n";
                    default ->
                        "POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 1000\r\n\r\n";
                };
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                sockets.add(socket);
                bodies.add(
                        switch (kind(i)) {
                            case 0 -> multipart;
                            case 1 -> ("1\r\n{\r\n" + "1\r\n \r\n".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
                            default -> ("{" + " ".repeat(999)).getBytes(StandardCharsets.US_ASCII);
                        });
            }
            int small = 0;
            long lastByte = 0;
            while (System.nanoTime() - start < 20_000_000_000L
                    && java.util.Arrays.stream(ends).anyMatch(e -> e == null)) {
                boolean trickle = System.nanoTime() - lastByte > 1_000_000_000L;
                for (int i = 0; i < uploads; i++) {
                    if (ends[i] == null) {
                        ends[i] = trickle(sockets.get(i), bodies.get(i), sent, i, trickle, start);
                    }
                }
                if (trickle) {
                    lastByte = System.nanoTime();
                }
                // Small requests go through all the while, also while every upload slot is held.
                Http.Response probe = http.fresh().postJson("/api/predict", VALID);
                assertEquals(200, probe.status(), () -> "a small request while uploads trickle: " + probe.text());
                small++;
            }
            assertTrue(small >= 5, "only " + small + " small requests were sent");
            System.out.println("trickling uploads: " + small + " small requests meanwhile, all 200");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        int cut = 0;
        int[] cutByKind = new int[3]; // multipart (read by the container's parser), chunked and small JSON (the app's)
        for (int i = 0; i < uploads; i++) {
            Trickled end = ends[i];
            int index = i;
            assertTrue(
                    end != null,
                    () -> "trickling upload " + index + " was still held after 20 s, " + sent[index] + " bytes sent");
            if (end.answer().startsWith("HTTP/1.1 408 ")) {
                assertTrue(end.answer().contains("--min-request-rate"), end::answer);
                cut++;
                cutByKind[kind(i)]++;
            } else {
                assertTrue(
                        kind(i) != 2,
                        () -> "a small body, which takes a slot only once it has arrived, ended with " + end.answer());
                // Refused at once when every upload slot was taken: no other 5xx, no other end.
                assertTrue(
                        end.answer().startsWith("HTTP/1.1 503 "),
                        () -> "upload " + index + " ended after " + end.millis() + " ms with: " + end.answer());
            }
        }
        assertTrue(
                cutByKind[0] > 0 && cutByKind[1] > 0 && cutByKind[2] > 0,
                "cut with 408: " + cutByKind[0] + " multipart uploads, " + cutByKind[1] + " chunked JSON bodies, "
                        + cutByKind[2] + " small JSON bodies");
        System.out.println("trickling uploads: " + cut + " of " + uploads + " (" + cutByKind[0] + " multipart, "
                + cutByKind[1] + " chunked, " + cutByKind[2] + " small) cut with 408 after "
                + java.util.Arrays.stream(ends)
                        .filter(e -> e.answer().startsWith("HTTP/1.1 408 "))
                        .mapToLong(Trickled::millis)
                        .summaryStatistics()
                + " ms, the rest refused with 503");
        assertServerStillPredicts();
    }

    /** Trickler {@code i}'s kind: 0 a multipart upload, 1 a chunked JSON body, 2 a small JSON body (half of them). */
    private static int kind(int i) {
        return i % 2 == 0 ? 2 : i % 4 == 1 ? 0 : 1;
    }

    /**
     * Sends the next byte of a trickling upload when it is time, and reads what the server answered, if it did: null
     * while the server still waits for the body.
     */
    private static Trickled trickle(Socket socket, byte[] body, int[] sent, int index, boolean send, long start)
            throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            int b = in.read();
            if (b < 0) {
                return new Trickled("", (System.nanoTime() - start) / 1_000_000);
            }
            answer.write(b);
            socket.setSoTimeout(5000);
            try {
                answer.writeBytes(readUntilClosed(socket).getBytes(StandardCharsets.ISO_8859_1));
            } catch (SocketTimeoutException keptOpen) {
                answer.writeBytes("\n(the connection stayed open)".getBytes(StandardCharsets.ISO_8859_1));
            }
            return new Trickled(answer.toString(StandardCharsets.ISO_8859_1), (System.nanoTime() - start) / 1_000_000);
        } catch (SocketTimeoutException stillWaiting) {
            // no answer yet
        } catch (java.net.SocketException reset) {
            return new Trickled(answer.toString(StandardCharsets.ISO_8859_1), (System.nanoTime() - start) / 1_000_000);
        }
        if (send && sent[index] < body.length) {
            try {
                socket.getOutputStream().write(body[sent[index]++]);
                socket.getOutputStream().flush();
            } catch (java.net.SocketException closed) {
                return new Trickled("", (System.nanoTime() - start) / 1_000_000);
            }
        }
        return null;
    }
}
