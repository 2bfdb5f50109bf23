package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ArrivedBodyTest {

    @Test
    void theWholeBodyIsReadAtOnceAndServedFromMemoryAfter() throws IOException {
        byte[] json = "{\"variance\": 3.6}".getBytes(StandardCharsets.UTF_8);
        int[] reads = new int[1];
        ArrivedBody arrived = ArrivedBody.read(request(json.length, json, reads, null));
        int readsAhead = reads[0];
        assertTrue(readsAhead > 0);
        ServletInputStream in = arrived.getInputStream();
        assertArrayEquals(json, in.readAllBytes());
        assertTrue(in.isFinished());
        assertEquals(readsAhead, reads[0], "the servlet's reads no longer touch the container's stream");
        assertThrows(IllegalStateException.class, arrived::getReader);
    }

    @Test
    void theReaderDecodesWithTheDeclaredCharset() throws IOException {
        byte[] latin = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        ArrivedBody arrived = ArrivedBody.read(request(latin.length, latin, new int[1], "ISO-8859-1"));
        assertEquals("caf\u00e9", arrived.getReader().readLine());
    }

    @Test
    void aBodyThatEndsBeforeItsDeclaredLengthIsAnUnreadableBody() {
        byte[] half = "{\"variance\"".getBytes(StandardCharsets.UTF_8);
        EOFException early =
                assertThrows(EOFException.class, () -> ArrivedBody.read(request(100, half, new int[1], null)));
        assertEquals(400, LimitedInputStream.unreadable(early).status());
    }

    /** A request declaring {@code length} whose container stream holds {@code body}, counting its reads. */
    private static HttpServletRequest request(long length, byte[] body, int[] reads, String charset) {
        ByteArrayInputStream bytes = new ByteArrayInputStream(body);
        ServletInputStream container = new ServletInputStream() {
            @Override
            public int read() {
                reads[0]++;
                return bytes.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int count) {
                reads[0]++;
                return bytes.read(buffer, offset, count);
            }

            @Override
            public boolean isFinished() {
                return bytes.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        return (HttpServletRequest) Proxy.newProxyInstance(
                ArrivedBodyTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getContentLengthLong" -> length;
                    case "getInputStream" -> container;
                    case "getCharacterEncoding" -> charset;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
