package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A flood of one client error writes one line per interval, and the next line says how many were left out. */
class RateLimitedLogTest {

    private static final long MINUTE = 60_000_000_000L;

    private final Logger logger = Logger.getLogger(RateLimitedLogTest.class.getName() + ".flood");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final AtomicLong now = new AtomicLong(123_456_789L);
    private final RateLimitedLog log = new RateLimitedLog(logger, Level.WARNING, MINUTE, now::get);

    @BeforeEach
    void listen() {
        logger.setUseParentHandlers(false);
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    @Test
    void theFirstOccurrenceIsLoggedAtOnceAndTheRestOfTheIntervalOnlyCounted() {
        for (int i = 0; i < 4_200; i++) {
            int n = i;
            log.log(() -> "refused request " + n);
            now.addAndGet(1_000_000L); // 4.2 s in all
        }
        assertEquals(List.of("WARNING refused request 0"), lines);
    }

    @Test
    void theNextLineAfterTheIntervalSaysHowManyWereLeftOut() {
        for (int i = 0; i < 100; i++) {
            log.log(() -> "refused");
        }
        now.addAndGet(MINUTE);
        log.log(() -> "refused again");
        log.log(() -> "not logged");
        assertEquals(2, lines.size(), lines::toString);
        assertEquals("WARNING refused again (and 99 more like it since the last such line, not logged)", lines.get(1));
    }

    @Test
    void aFloodFromManyThreadsOverThreeIntervalsWritesThreeLines() throws InterruptedException {
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    log.log(() -> "refused");
                    if (i % 1_000 == 999) {
                        now.addAndGet(MINUTE / 30); // 80 steps of 2 s: 160 s
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertTrue(lines.size() >= 2 && lines.size() <= 3, lines::toString);
    }
}
