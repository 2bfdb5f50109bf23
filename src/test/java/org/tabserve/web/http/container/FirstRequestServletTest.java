package org.tabserve.web.http.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.GenericServlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The servlet behind a {@link FirstRequestServlet} is built at the first request and not before, once however many
 * requests come at the same time, initialised with the container's config before it serves, and destroyed with it.
 */
class FirstRequestServletTest {

    /** A servlet that records what happens to it. */
    static final class Recording extends GenericServlet {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void init() {
            events.add("init " + getServletName());
        }

        @Override
        public void service(ServletRequest request, ServletResponse response) {
            events.add("service");
        }

        @Override
        public void destroy() {
            events.add("destroy");
        }
    }

    /** The container's config of a servlet named {@code grpc}. */
    static final ServletConfig CONFIG = new ServletConfig() {
        @Override
        public String getServletName() {
            return "grpc";
        }

        @Override
        public ServletContext getServletContext() {
            return null;
        }

        @Override
        public String getInitParameter(String name) {
            return null;
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.emptyEnumeration();
        }
    };

    @Test
    void buildsTheServletAtTheFirstRequestInitialisedWithTheContainersConfigAndDestroysIt() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        Recording inner = new Recording();
        FirstRequestServlet servlet = new FirstRequestServlet(() -> {
            builds.incrementAndGet();
            return inner;
        });
        servlet.init(CONFIG);
        assertEquals(0, builds.get(), "built before any request");

        servlet.service(null, null);
        servlet.service(null, null);
        servlet.destroy();

        assertEquals(1, builds.get());
        assertEquals(List.of("init grpc", "service", "service", "destroy"), inner.events);
    }

    @Test
    void requestsArrivingTogetherShareOneServletThatServesOnlyOnceInitialised() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Recording inner = new Recording();
        FirstRequestServlet servlet = new FirstRequestServlet(() -> {
            builds.incrementAndGet();
            return inner;
        });
        servlet.init(CONFIG);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    servlet.service(null, null);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, builds.get());
        assertEquals(9, inner.events.size());
        assertEquals("init grpc", inner.events.get(0), "served before it was initialised: " + inner.events);
    }
}
