package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.RequestLog;
import org.junit.jupiter.api.Test;

/** The access log is built on a thread beside the server's making, and waited for before anything is logged. */
class AccessLogAheadTest {

    @Test
    void theLauncherBuildsItsAccessLogAhead() {
        RequestLog log = EmbeddedServer.create(LauncherFlags.parse(List.of("--port", "0")), Path.of("webapp"))
                .getRequestLog();

        assertInstanceOf(AccessLogAhead.class, log);
        assertInstanceOf(RequestLog.class, ((AccessLogAhead) log).built(), "Jetty's log, built");
    }

    @Test
    void theLogIsBuiltOnAThreadOfItsOwnAndWaitedFor() throws InterruptedException {
        CountDownLatch mayFinish = new CountDownLatch(1);
        AtomicReference<Thread> builder = new AtomicReference<>();
        RequestLog jettys = EmbeddedServer.accessLog(line -> {});
        AccessLogAhead ahead = AccessLogAhead.start(() -> {
            builder.set(Thread.currentThread());
            assertTrue(mayFinish.await(60, TimeUnit.SECONDS));
            return jettys;
        });
        AtomicReference<RequestLog> got = new AtomicReference<>();
        Thread waiter = new Thread(() -> got.set(ahead.built()));
        waiter.start();
        waiter.join(200);
        assertTrue(waiter.isAlive(), "built() answered before the log was built");

        mayFinish.countDown();
        waiter.join(60_000);

        assertSame(jettys, got.get());
        assertNotEquals(Thread.currentThread(), builder.get());
        assertTrue(builder.get().isDaemon(), "a start that fails would wait for it");
    }

    @Test
    void aLogThatCannotBeBuiltIsAnErrorNamingWhy() {
        AccessLogAhead ahead = AccessLogAhead.start(() -> {
            throw new IllegalArgumentException("no such format");
        });

        IllegalStateException e = assertThrows(IllegalStateException.class, ahead::built);

        assertEquals(
                "the access log could not be built: java.lang.IllegalArgumentException: no such format",
                e.getMessage());
    }
}
