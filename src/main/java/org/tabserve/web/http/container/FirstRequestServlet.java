package org.tabserve.web.http.container;

import jakarta.servlet.GenericServlet;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * A servlet that builds the servlet it stands for at its first request, so that a route few servers are asked for
 * (gRPC: Guava, protobuf and grpc-java, some 150 classes) costs its first caller rather than every start. It is only
 * for a servlet whose building cannot fail on the server's configuration: that must still fail the start.
 */
public final class FirstRequestServlet extends GenericServlet {

    private final transient Supplier<Servlet> build;
    private final Object lock = new Object();
    private transient volatile Servlet servlet;

    /** @param build makes the servlet; called once, at the first request, then initialised with this one's config */
    public FirstRequestServlet(Supplier<Servlet> build) {
        this.build = build;
    }

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        built().service(request, response);
    }

    private Servlet built() throws ServletException {
        Servlet ready = servlet;
        if (ready == null) {
            synchronized (lock) {
                ready = servlet;
                if (ready == null) {
                    ready = build.get();
                    ready.init(getServletConfig());
                    servlet = ready;
                }
            }
        }
        return ready;
    }

    @Override
    public void destroy() {
        synchronized (lock) {
            if (servlet != null) {
                servlet.destroy();
                servlet = null;
            }
        }
    }
}
