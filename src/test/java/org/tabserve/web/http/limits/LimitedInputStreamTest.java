package org.tabserve.web.http.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.tabserve.web.http.HttpProblem;

class LimitedInputStreamTest {

    @Test
    void aBodyTooSlowForTheMinimumRateGets408InTheWordsThatNameTheSetting() {
        String words =
                "the request body arrived too slowly: 12 bytes in 12 s, below the minimum average of 1024 bytes/s"
                        + " that the server accepts once a body has been arriving for 10 s (--min-request-rate)";
        HttpProblem problem = LimitedInputStream.unreadable(new IOException(new TimeoutException(words)));
        assertEquals(408, problem.status());
        assertEquals(words, problem.getMessage());
    }

    @Test
    void aBodyThatWentSilentGets408SayingSoAndNotTheContainersOwnWords() {
        HttpProblem problem = LimitedInputStream.unreadable(
                new IOException(new TimeoutException("Idle timeout expired: 30000/30000 ms")));
        assertEquals(408, problem.status());
        assertEquals(
                "the request body stopped arriving before its end; the server closes connections that stay silent",
                problem.getMessage());
    }

    @Test
    void aBodyCutOffOtherwiseIsTheClientsBadRequest() {
        assertEquals(
                400, LimitedInputStream.unreadable(new IOException("early EOF")).status());
    }
}
