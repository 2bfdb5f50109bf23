package org.tabserve.rows.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Json#parser}: a JSON body is read as UTF-8 and nothing else, and each fault is named with its byte offset. */
class Utf8InputTest {

    /** {@code {"a":"} + the bytes + {"}}: the bytes start at offset 6. */
    private static byte[] inString(String hex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"a\":\"".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(HexFormat.of().parseHex(hex));
        out.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String read(InputStream body) throws IOException {
        try (JsonParser parser = JsonText.parser(body)) {
            JsonNode tree = new ObjectMapper().readTree(parser);
            return tree.get("a").asText();
        }
    }

    /** The fault the parser reads, answered as every JSON route answers it ({@link JsonText#malformed}). */
    private static RowsException refused(byte[] body) {
        return JsonText.malformed(assertThrows(
                java.io.CharConversionException.class,
                () -> read(new ByteArrayInputStream(body)),
                () -> "took " + HexFormat.of().formatHex(body)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "C0AF       | byte offset 6 (counted from 0): 0xC0 starts an overlong",
                "C180       | byte offset 6 (counted from 0): 0xC1 starts an overlong",
                "E080AF     | byte offset 6 (counted from 0): 0xE0 then 0x80 is an overlong",
                "F08080AF   | byte offset 6 (counted from 0): 0xF0 then 0x80 is an overlong",
                "EDA080     | byte offset 6 (counted from 0): 0xED then 0xA0 encodes a UTF-16 surrogate",
                "F4908080   | byte offset 6 (counted from 0): 0xF4 then 0x90 encodes a code point past U+10FFFF",
                "F5808080   | byte offset 6 (counted from 0): 0xF5 is never part of UTF-8",
                "80         | byte offset 6 (counted from 0): 0x80 is a continuation byte",
                "C328       | byte offset 6 (counted from 0): 0xC3 starts a sequence of 2 bytes, but byte 7 (0x28)",
                "E282       | 0xE2 starts a sequence of 3 bytes, but byte 8 (0x22) is not a continuation byte",
                "00         | byte offset 6 (counted from 0): a zero byte"
            })
    void aMalformedSequenceIsA400NamingItsByteOffsetAndWhatIsWrong(String hex, String expected) {
        RowsException problem = refused(inString(hex));
        assertEquals(RowsException.Kind.MALFORMED, problem.kind());
        assertTrue(problem.getMessage().startsWith("malformed JSON: invalid UTF-8 at "), problem.getMessage());
        assertTrue(problem.getMessage().contains(expected), problem.getMessage());
        assertTrue(problem.getMessage().endsWith("JSON must be UTF-8 (RFC 8259, section 8.1)"), problem.getMessage());
    }

    @Test
    void utf16AndUtf32WithOrWithoutAByteOrderMarkAreRefusedSayingJsonMustBeUtf8() {
        String json = "{\"a\":\"x\"}";
        for (String charset : new String[] {"UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "UTF-32LE", "UTF-32BE"}) {
            RowsException problem = refused(json.getBytes(java.nio.charset.Charset.forName(charset)));
            assertEquals(RowsException.Kind.MALFORMED, problem.kind());
            assertTrue(
                    problem.getMessage().contains("UTF-16 or UTF-32")
                            && problem.getMessage().contains("must be UTF-8"),
                    () -> charset + ": " + problem.getMessage());
        }
    }

    @Test
    void wellFormedUtf8OfEveryLengthIsReadAsSentAlsoWhenASequenceSpansTwoReads() throws IOException {
        String text = "a\u00e9\u0800\uffff\ud800\udc00\udbff\udfff\u20ac/";
        byte[] body = ("\uFEFF{\"a\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8); // with a byte-order mark
        assertEquals(text, read(new ByteArrayInputStream(body)));
        assertEquals(text, read(new OneByteAtATime(body)), "read one byte at a time");
    }

    @Test
    void aBodyThatEndsInsideASequenceIsRefused() {
        byte[] body = "{\"a\":\"x\u20ac".getBytes(StandardCharsets.UTF_8); // cut inside the string, inside the euro
        RowsException problem = refused(java.util.Arrays.copyOf(body, body.length - 1));
        assertTrue(
                problem.getMessage().contains("0xE2 starts a sequence of 3 bytes, but the body ends first"),
                problem.getMessage());
    }

    @Test
    void aFaultFarIntoALongBodyIsNamedAtItsOffset() {
        String padding = " ".repeat(100_000);
        byte[] body = inString("C0AF");
        byte[] padded = new byte[body.length + padding.length()];
        System.arraycopy(padding.getBytes(StandardCharsets.US_ASCII), 0, padded, 0, padding.length());
        System.arraycopy(body, 0, padded, padding.length(), body.length);
        assertTrue(
                refused(padded).getMessage().contains("byte offset 100006 "),
                refused(padded).getMessage());
    }

    /** A stream that hands over one byte per read, as a slow network might. */
    private static final class OneByteAtATime extends ByteArrayInputStream {
        OneByteAtATime(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) {
            return super.read(buffer, offset, Math.min(1, length));
        }
    }
}
