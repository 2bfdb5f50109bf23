package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.tabserve.serving.ResolvedModel;

/**
 * What a {@link RouteTable} entry runs: given the model its route resolved (by name and version from the path, or the
 * default model on the root routes) and the exchange, it answers, or throws for the one error renderer to answer. The
 * argument is the request's own state alone; the repository, readiness and rollouts a handler needs are given to its
 * object when the wiring builds it.
 */
@FunctionalInterface
public interface Handler {

    /**
     * @param model the request's model: ask it for the model ({@link ResolvedModel#model()}) when the answer needs it;
     *              the lease it takes is given back when the request ends
     */
    void handle(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException;
}
