package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;

/**
 * Who may take a route: the one check of every route's {@link Scope} ({@link RouteTable.Route#scope()}), which the
 * route servlet asks before the route sees the request. The auth package answers it, for REST and gRPC alike; this
 * floor only knows that there is a check.
 */
@FunctionalInterface
public interface Gate {

    /** Lets everyone through, as a caller of a server that asks for no credential. */
    Gate OPEN = (request, scope, model) -> Caller.OPEN;

    /**
     * @param scope what the route does
     * @param model the model the route is about, or null for a route about no one model
     * @return the request's caller, who may use {@code scope} on {@code model}
     * @throws RuntimeException the refusal (401 or 403, in words) for one who may not
     */
    Caller admit(HttpServletRequest request, Scope scope, String model);
}
