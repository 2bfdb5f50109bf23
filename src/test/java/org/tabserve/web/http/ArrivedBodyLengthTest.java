package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A body read ahead answers its length itself: the length it was declared with, without asking the container again
 * (each ask walks the container's request wrappers to the header).
 */
class ArrivedBodyLengthTest {

    @Test
    void theLengthIsTheDeclaredOneAnsweredWithoutTheContainer() throws IOException {
        byte[] json = "{\"variance\": 3.6216, \"skewness\": 8.6661}".getBytes(StandardCharsets.UTF_8);
        AtomicInteger asked = new AtomicInteger();
        ArrivedBody arrived = ArrivedBody.read(request(json, asked), json.length);
        assertEquals(0, asked.get(), "the filter's declared length was used, not asked again");
        assertEquals(json.length, arrived.getContentLengthLong());
        assertEquals(json.length, arrived.getContentLength());
        assertEquals(0, asked.get(), "the length came from the body read, not from the container");
        assertArrayEquals(json, arrived.getInputStream().readAllBytes());

        ArrivedBody readByItself = ArrivedBody.read(request(json, asked));
        assertEquals(1, asked.get(), "read without a length asks the container once");
        assertEquals(json.length, readByItself.getContentLengthLong());
        assertEquals(1, asked.get());
    }

    /** A request declaring {@code body}'s length, counting in {@code asked} each time the length is asked. */
    private static HttpServletRequest request(byte[] body, AtomicInteger asked) {
        ByteArrayInputStream bytes = new ByteArrayInputStream(body);
        ServletInputStream container = new ServletInputStream() {
            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int count) {
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
                ArrivedBodyLengthTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getContentLengthLong" -> {
                        asked.incrementAndGet();
                        yield (long) body.length;
                    }
                    case "getContentLength" -> {
                        asked.incrementAndGet();
                        yield body.length;
                    }
                    case "getInputStream" -> container;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
