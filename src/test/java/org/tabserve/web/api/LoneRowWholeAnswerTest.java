package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;

/**
 * A lone row's answer to {@code POST /api/predict} is generated whole and sent in one write after its Content-Length
 * ({@code WholeJsonAnswer}): on one kept connection each answer is exactly its Content-Length's bytes (a wrong length
 * would run one answer into the next), with the headers in the order the streamed answer had them; an answer longer
 * than the generator holds (a row of many ignored fields, each warned about) is streamed, and arrives whole.
 */
class LoneRowWholeAnswerTest {

    @RegisterExtension
    static final Http http = Http.startingTheApp();

    /** One answer read off the wire: its header lines as sent, and its body. */
    private record Answer(List<String> headers, byte[] body) {
        String header(String name) {
            return headers.stream()
                    .filter(h -> h.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(h -> h.substring(name.length() + 1).trim())
                    .findFirst()
                    .orElse(null);
        }
    }

    private static byte[] request(String body, boolean close) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        URI uri = http.uri("/api/predict");
        String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("the connection ended within a header: " + line);
            }
            line.append((char) b);
        }
        return line.toString().replace("\r", "");
    }

    /** Reads one answer by its Content-Length, as any HTTP/1.1 client on a kept connection does. */
    private static Answer read(InputStream in) throws IOException {
        assertEquals("HTTP/1.1 200 OK", line(in));
        List<String> headers = new ArrayList<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            headers.add(header);
        }
        Answer answer = new Answer(headers, null);
        assertEquals(null, answer.header("Transfer-Encoding"), headers.toString());
        byte[] body = in.readNBytes(Integer.parseInt(answer.header("Content-Length")));
        return new Answer(headers, body);
    }

    @Test
    void eachLoneRowsAnswerIsExactlyItsContentLengthOnOneKeptConnection() throws Exception {
        List<BankNotes.Note> notes = BankNotes.all().subList(0, 3);
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = 0; i < notes.size(); i++) {
            requests.writeBytes(request(notes.get(i).json().toString(), i == notes.size() - 1));
        }
        try (Socket socket = new Socket(http.uri("/").getHost(), http.uri("/").getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(requests.toByteArray()); // pipelined: the answers follow one another
            InputStream in = socket.getInputStream();
            for (BankNotes.Note note : notes) {
                Answer answer = read(in);
                byte[] alone =
                        http.postJson("/api/predict", note.json().toString()).body();
                assertEquals(
                        new String(alone, StandardCharsets.UTF_8),
                        new String(answer.body(), StandardCharsets.UTF_8),
                        "the same answer as over a connection of its own");
                JsonNode json = Http.JSON.readTree(answer.body());
                assertEquals(note.label(), json.path("label").asText());
                List<String> names = answer.headers().stream()
                        .map(h -> h.substring(0, h.indexOf(':')))
                        .toList();
                int type = names.indexOf("Content-Type");
                assertEquals("application/json;charset=utf-8", answer.header("Content-Type"));
                assertEquals(
                        type + 1, names.lastIndexOf("Content-Length"), "one Content-Length, after the type: " + names);
                assertEquals(names.indexOf("Content-Length"), names.lastIndexOf("Content-Length"));
            }
            assertEquals(-1, in.read(), "nothing after the last answer's Content-Length bytes");
        }
    }

    @Test
    void aLoneRowsAnswerLongerThanTheGeneratorHoldsArrivesWhole() throws Exception {
        BankNotes.Note note = BankNotes.all().get(0);
        ObjectNode row = note.json();
        int ignored = 400; // each warned about in ~90 bytes: ~36 KB, past the 8,000 the generator holds
        for (int i = 0; i < ignored; i++) {
            row.put(String.format("not_an_input_of_the_model_%04d", i), i);
        }
        Http.Response response = http.postJson("/api/predict", row.toString());
        assertEquals(200, response.status());
        assertTrue(response.body().length > 8000, "longer than the generator holds: " + response.body().length);
        assertEquals(
                "application/json;charset=utf-8",
                response.header("Content-Type").orElseThrow());
        JsonNode json = response.json();
        assertEquals(note.label(), json.path("label").asText());
        assertEquals(ignored, json.path("warnings").size());
        assertEquals(
                "not_an_input_of_the_model_0399",
                json.path("warnings").get(ignored - 1).path("feature").asText());
        assertFalse(json.path("probabilities").isEmpty());
    }
}
