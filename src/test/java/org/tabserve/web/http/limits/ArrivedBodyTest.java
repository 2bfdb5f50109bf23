package org.tabserve.web.http.limits;

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

/**
 * A small body read ahead, as the concurrency filter reads it (of the length it declared, read once by the filter): read
 * whole at once and served from memory after, decoded with its declared charset, refused when it ends early, and its
 * length answered without asking the container again (each ask walks the container's request wrappers to the header).
 */
class ArrivedBodyTest {

    @Test
    void theWholeBodyIsReadAtOnceAndServedFromMemoryAfter() throws IOException {
        byte[] json = "{\"variance\": 3.6}".getBytes(StandardCharsets.UTF_8);
        Container container = new Container(json.length, json, null);
        ArrivedBody arrived = ArrivedBody.read(container.request(), json.length);
        int readsAhead = container.reads;
        assertTrue(readsAhead > 0);
        ServletInputStream in = arrived.getInputStream();
        assertArrayEquals(json, in.readAllBytes());
        assertTrue(in.isFinished());
        assertEquals(readsAhead, container.reads, "the servlet's reads no longer touch the container's stream");
        assertThrows(IllegalStateException.class, arrived::getReader);
    }

    @Test
    void theReaderDecodesWithTheDeclaredCharset() throws IOException {
        byte[] latin = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        ArrivedBody arrived =
                ArrivedBody.read(new Container(latin.length, latin, "ISO-8859-1").request(), latin.length);
        assertEquals("caf\u00e9", arrived.getReader().readLine());
    }

    @Test
    void aBodyThatEndsBeforeItsDeclaredLengthIsAnUnreadableBody() {
        byte[] half = "{\"variance\"".getBytes(StandardCharsets.UTF_8);
        HttpServletRequest request = new Container(100, half, null).request();
        EOFException early = assertThrows(EOFException.class, () -> ArrivedBody.read(request, 100));
        assertEquals(400, LimitedInputStream.unreadable(early).status());
    }

    @Test
    void theLengthIsTheDeclaredOneAnsweredWithoutTheContainer() throws IOException {
        byte[] json = "{\"variance\": 3.6216, \"skewness\": 8.6661}".getBytes(StandardCharsets.UTF_8);
        Container container = new Container(json.length, json, null);
        ArrivedBody arrived = ArrivedBody.read(container.request(), json.length);
        assertEquals(0, container.lengthAsked, "the filter's declared length was used, not asked again");
        assertEquals(json.length, arrived.getContentLengthLong());
        assertEquals(json.length, arrived.getContentLength());
        assertEquals(0, container.lengthAsked, "the length came from the body read, not from the container");
        assertArrayEquals(json, arrived.getInputStream().readAllBytes());
    }

    /**
     * A container's request declaring {@code length}, whose stream holds {@code body}, counting the reads of its
     * stream and the asks of its length.
     */
    private static final class Container {
        private final long length;
        private final ByteArrayInputStream bytes;
        private final String charset;
        int reads;
        int lengthAsked;

        Container(long length, byte[] body, String charset) {
            this.length = length;
            this.bytes = new ByteArrayInputStream(body);
            this.charset = charset;
        }

        HttpServletRequest request() {
            ServletInputStream stream = new ServletInputStream() {
                @Override
                public int read() {
                    reads++;
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int count) {
                    reads++;
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
                        case "getContentLengthLong" -> {
                            lengthAsked++;
                            yield length;
                        }
                        case "getContentLength" -> {
                            lengthAsked++;
                            yield (int) length;
                        }
                        case "getInputStream" -> stream;
                        case "getCharacterEncoding" -> charset;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }
}
