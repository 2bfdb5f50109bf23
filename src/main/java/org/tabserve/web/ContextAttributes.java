package org.tabserve.web;

/**
 * The names of the servlet context's attributes the wiring and the launcher share (the launcher names them by their
 * text, as it knows nothing of the web app; {@code ContextKeysTest} holds both to the same), and the wiring's logger.
 */
public final class ContextAttributes {

    /** Context attribute: one line naming the served model, for the launcher to print. */
    public static final String MODEL_SUMMARY = "tabserve.model.summary";
    /** Context attribute: why no model is served, when none is. */
    public static final String MODEL_FAILURE = "tabserve.model.failure";
    /**
     * Context attribute the launcher sets (under {@code java -jar} only): its counters by name, a
     * {@code Map<String, AtomicLong>} (JDK types, across its class loader), for {@code /metrics}.
     */
    public static final String LAUNCHER_COUNTERS = "tabserve.launcher.counters";
    /**
     * Context attribute the launcher sets (under {@code java -jar} only): an {@code AtomicBoolean} (a JDK type, across
     * its class loader) that it sets on SIGTERM, from when readiness answers 503 while the app serves out the drain
     * window. In a servlet container there is none: the container's own stop applies.
     */
    public static final String LAUNCHER_DRAINING = "tabserve.launcher.draining";
    /**
     * Context attribute the launcher sets (under {@code java -jar} only, with one model): a {@code Future} (a JDK
     * type, across its class loader) of {@code ModelAhead.load}, which it started on a thread of its own while the
     * container configured the app. In a servlet container there is none: the model loads here.
     */
    public static final String LAUNCHER_MODEL_AHEAD = "tabserve.model.ahead";

    /**
     * Context attribute the launcher sets (under {@code java -jar} only): the address it listens on ({@code --host}),
     * a {@code String}, by which a server that asks no credential tells whether the network can reach it. In a
     * servlet container there is none: the first request's local address tells.
     */
    public static final String LAUNCHER_HOST = "tabserve.launcher.host";

    /** The logger of the wiring (the listener and the models' first load), whose name its lines have always carried. */
    static final String LOGGER = "org.tabserve.web.TabserveListener";

    private ContextAttributes() {}
}
