package org.tabserve.launcher;

import jakarta.servlet.ServletContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.webapp.MetaInfConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.tabserve.launcher.guard.ClientAbort;
import org.tabserve.launcher.guard.ClientStreamLimit;
import org.tabserve.launcher.guard.HeaderDeadline;
import org.tabserve.launcher.guard.Http2HeaderLimit;
import org.tabserve.launcher.guard.MinimumBodyRate;
import org.tabserve.launcher.guard.MinimumResponseRate;
import org.tabserve.launcher.output.ProcessOutput;
import org.tabserve.launcher.stop.DeliveredBeforeExit;

/**
 * Runs the WAR on embedded Jetty 12 (ee10), deployed as any container deploys it. It only builds, starts and stops
 * the server: on SIGTERM it drains ({@link Drain}: readiness 503, still serving, for {@code --drain-seconds}), and
 * then, or at once on SIGINT, it stops accepting connections, lets requests in flight finish (up to
 * {@link #STOP_TIMEOUT}) and exits 0; when the app cannot serve its model it exits 1 with one line saying why. No
 * thread of the server waits for its output ({@link ProcessOutput}).
 */
public final class EmbeddedServer {

    /** How long in-flight requests may take to finish on shutdown. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** The web app's context attributes this launcher reads (set by the app's listener). */
    static final String MODEL_SUMMARY = "tabserve.model.summary";

    static final String MODEL_FAILURE = "tabserve.model.failure";
    /** The context attribute through which the web app's /metrics reads the launcher's counters. */
    static final String COUNTERS = "tabserve.launcher.counters";
    /** The context attribute through which the web app's readiness reads whether the server is draining. */
    static final String DRAINING = "tabserve.launcher.draining";
    /** The counters' names in it. */
    static final String RESPONSES_CUT = "responses_cut";

    static final String CLIENT_ABORTS = "client_aborts";
    static final String HEADERS_REFUSED = "headers_refused";
    static final String ACCESS_LOG_DROPPED = "access_log_dropped";
    static final String LOG_DROPPED = "log_dropped";
    /** The context init-parameter through which the web app learns the model path. */
    static final String MODEL_PARAMETER = "tabserve.model";
    /** The context init-parameters through which the web app learns its model repository's settings. */
    static final String MODELS_PARAMETER = "tabserve.models";
    /** The web app's setting for {@code --model-cache}, a path made absolute here. */
    static final String MODEL_CACHE_PARAMETER = "tabserve.model-cache";

    /**
     * The web app's own minimum body rate and its grace (its {@code BodyRate}, for bodies it reads ahead without a
     * thread): the launcher's {@code --min-request-rate} and {@code --min-request-rate-grace}, so that both agree.
     */
    static final String MIN_REQUEST_RATE_PARAMETER = "tabserve.min-request-rate";

    static final String MIN_REQUEST_RATE_GRACE_PARAMETER = "tabserve.min-request-rate-grace";

    static final String POLL_SECONDS_PARAMETER = "tabserve.poll-seconds";
    static final String DEFAULT_MODEL_PARAMETER = "tabserve.default-model";
    static final String MAX_MODELS_PARAMETER = "tabserve.max-models";
    /** The web app's {@code PredictionLogOptions.DIRECTORY}: a path, made absolute here. */
    static final String PREDICTION_LOG_PARAMETER = "tabserve.prediction-log";
    /** The container's defaults for the web app, in place of Jetty's webdefault-ee10.xml (see the file). */
    static final java.net.URL DEFAULTS_DESCRIPTOR = EmbeddedServer.class.getResource("webdefault.xml");

    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";
    /** Held so that its level is not lost to garbage collection. */
    private static final Logger JETTY_LOG = Logger.getLogger("org.eclipse.jetty");

    private EmbeddedServer() {}

    /**
     * Builds an unstarted server for the WAR; tests use port 0 and ask {@link Server#getURI()} where it listens.
     *
     * @param options where to listen and which model to serve
     * @param war     the WAR file (or an unpacked web app directory)
     */
    public static Server create(LauncherOptions options, Path war) {
        // One line per request on stdout in the NCSA combined format, which log tools read as they read Apache's.
        // (A servlet container deployment uses that container's own access log configuration instead.)
        // The prediction log's masked columns are masked here too: a query (GET /predict?sex=...) carries their values.
        // Built on a thread of its own from here on, while this one makes the server (AccessLogAhead).
        QueryValueMask mask = new QueryValueMask(options.accessLogMask());
        AccessLogAhead accessLog = AccessLogAhead.start(
                () -> accessLog(line -> ProcessOutput.accessLog(mask.apply(line)), traced(options)));
        Server server = new Server();
        // On SIGTERM the app's readiness turns 503 while it goes on serving, for the drain window (Drain), and HTTP/1.1
        // clients are asked to close their connections meanwhile.
        Drain drain = new Drain(options.drainTime());
        AppAttribute<Map> securityHeaders = new AppAttribute<>(server, ProblemErrorHandler.SECURITY_HEADERS, Map.class);
        ProbeBodies probes = new ProbeBodies(server, drain.flag(), securityHeaders);
        ServerPorts.open(server, options);

        // No session handler and no security handler: tabserve keeps no state between requests and never makes a
        // session, and web.xml declares no security constraint (the admin routes check their token themselves), so
        // these two cost each request a session-cookie lookup, a stream wrapper and a constraint lookup for nothing.
        // (Containers keep theirs.)
        WebAppContext webapp = new WebAppContext(
                "/", null, null, null, null, ServletContextHandler.NO_SESSIONS | ServletContextHandler.NO_SECURITY);
        webapp.setWar(war.toString());
        // Jetty's webdefault-ee10.xml declares two security constraints (TRACE's), which a web app without a security
        // handler cannot apply: each was a warning at every start. The launcher's own defaults keep only what tabserve
        // uses of them, the static-file servlet; the app refuses TRACE itself.
        webapp.setDefaultsDescriptor(DEFAULTS_DESCRIPTOR.toExternalForm());
        webapp.setThrowUnavailableOnStartupException(true);
        // Only the Swagger UI webjar has anything under META-INF/ for the container (its static files); web.xml is
        // metadata-complete. Scanning just that jar instead of all of WEB-INF/lib saves time at every start.
        webapp.setAttribute(MetaInfConfiguration.WEBINF_JAR_PATTERN, ".*/swagger-ui-[^/]*\\.jar$");
        initParameters(options).forEach(webapp::setInitParameter);

        server.setErrorHandler(new ProblemErrorHandler(securityHeaders));

        // ...and one whose headers trickle in, a byte before each idle timeout, ends at the header deadline. It sees
        // every request (so it is the outermost handler) and every connection (the connector tells it, as a listener
        // the handler tree starts and stops).
        // A body that trickles in ends at the minimum rate: the app's read of it fails, and it answers 408.
        // An HTTP/2 request whose headers are past --max-header-bytes is refused on its own stream before the app.
        // It, the cut answers and the client aborts below are counted for the app's /metrics, which reads the counters
        // from a context attribute.
        AtomicLong headersRefused = new AtomicLong();
        Map.of(DRAINING, drain.flag(), ServerPorts.HOST, options.host()).forEach(webapp::setAttribute);
        server.addBean(drain, false);
        MinimumBodyRate bodyRate = new MinimumBodyRate(
                options.minRequestRate(),
                options.minRequestRateGrace(),
                ServerPorts.SHUTDOWN_IDLE_TIMEOUT,
                new Http2HeaderLimit(
                        options.maxHeaderBytes(),
                        LauncherOptions.MAX_HEADER_BYTES_VARIABLE,
                        headersRefused,
                        new CloseWhileDraining(drain.flag(), new GracefulHandler(webapp))));
        // An answer its client takes too slowly (or not at all) is cut at the minimum response rate, freeing its slot.
        AtomicLong responsesCut = new AtomicLong();
        AtomicLong clientAborts = new AtomicLong();
        webapp.setAttribute(
                COUNTERS,
                Map.of(
                        RESPONSES_CUT,
                        responsesCut,
                        CLIENT_ABORTS,
                        clientAborts,
                        HEADERS_REFUSED,
                        headersRefused,
                        ACCESS_LOG_DROPPED,
                        ProcessOutput.accessLogDropped(),
                        LOG_DROPPED,
                        ProcessOutput.logDropped()));
        MinimumResponseRate responseRate = new MinimumResponseRate(
                options.minResponseRate(), options.minRequestRateGrace(), responsesCut, bodyRate);
        // A request whose client went away (a reset stream, a closed connection) is marked for the access log.
        // Health probes are answered first, ahead of the app's queue; then the requests in hand on --port are bounded
        // so that some of the shared pool's threads are always left to read the next probe (ServerPorts); then one
        // client's HTTP/2 streams, across its connections, are bounded as one connection's are.
        HeaderDeadline headerDeadline = new HeaderDeadline(
                options.headerTimeout(),
                new ProbeAnswers(
                        probes,
                        ServerPorts.headroomKept(
                                server,
                                new ClientStreamLimit(
                                        options.maxConcurrentStreams(), new ClientAbort(clientAborts, responseRate)))));
        for (Connector connector : server.getConnectors()) {
            ((ServerConnector) connector).addBean(headerDeadline, false);
        }
        server.setHandler(headerDeadline);
        // The one model loads while Jetty configures the web app, on a thread of its own (ModelAheadConfiguration);
        // --models' models are the repository's to load. Added once the web app is in the server, as Jetty's own
        // configurations are the server's defaults.
        if (options.repository().directory().isEmpty()) {
            webapp.addConfiguration(new ModelAheadConfiguration(
                    options.model().map(m -> Path.of(m).toAbsolutePath())));
        }
        server.setRequestLog(accessLog);
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        server.setStopAtShutdown(false); // StopSignals stops it before the JVM shuts down, so that the exit status is 0
        // The stop ends once the kernel has delivered the answers' last bytes: in a container they go with its network.
        // A client that takes none of them for the 5 s a silent connection is kept during the stop (counted from the
        // SIGTERM, before the drain) is given up on, and the wait lasts at most the minimum response rate's grace.
        server.addEventListener(
                new DeliveredBeforeExit(server, ServerPorts.SHUTDOWN_IDLE_TIMEOUT, options.minRequestRateGrace()));
        return server;
    }

    /**
     * The line that says the started server is ready: what it serves, where, and {@code --grpc-port}'s and
     * {@code --probe-port}'s ports if any
     * (tools wait for it; the tests' in-process server writes the same).
     */
    static String readyLine(Server server, Object modelSummary) {
        URI uri = server.getURI();
        return "tabserve: serving " + modelSummary + " on " + uri.getScheme() + "://" + uri.getHost() + ":"
                + uri.getPort() + "/"
                + ServerPorts.named(server, ServerPorts.GRPC)
                        .map(grpc -> " and gRPC (HTTP/2 only) on port " + grpc.getLocalPort())
                        .orElse("")
                + ServerPorts.named(server, ServerPorts.PROBES)
                        .map(probe -> ", health probes on port " + probe.getLocalPort())
                        .orElse("");
    }

    /**
     * The access log: one line per request in the NCSA combined format, a request whose client went away with
     * {@link ClientAbort}'s status, a sign-in callback's code and state masked ({@link QueryValueMask#signIn}); when
     * the app traces, with the answer's {@code traceparent} last.
     */
    static RequestLog accessLog(RequestLog.Writer writer) {
        return accessLog(writer, false);
    }

    /** {@link #accessLog(RequestLog.Writer)}, with the answer's {@code traceparent} last when {@code traced}. */
    static RequestLog accessLog(RequestLog.Writer writer, boolean traced) {
        // Traced, each line ends with the answer's traceparent (its trace's id), quoted as the fields before it.
        // A sign-in's callback carries its code and state in its query: masked in every line, whatever the mask.
        RequestLog.Writer masked = line -> writer.write(QueryValueMask.signIn(line));
        return ClientAbort.logging(new CustomRequestLog(
                masked, CustomRequestLog.EXTENDED_NCSA_FORMAT + (traced ? " \"%{traceparent}o\"" : "")));
    }

    /**
     * @return whether the web app traces its answers: an OTLP endpoint given by flag, system property or
     *         OpenTelemetry's variable
     */
    static boolean traced(LauncherOptions options) {
        return java.util.stream.Stream.of(
                        options.webSettings().get(LauncherOptions.OTEL_ENDPOINT_PARAMETER),
                        System.getProperty(LauncherOptions.OTEL_ENDPOINT_PARAMETER),
                        System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
                .anyMatch(value -> value != null && !value.isBlank());
    }

    /**
     * The web app's context init-parameters for {@code options}: only the settings given, so the app's own defaults
     * (and in a container its own resolution order) apply to the rest. Paths are made absolute here, where the
     * user's working directory is known.
     */
    static Map<String, String> initParameters(LauncherOptions options) {
        Map<String, String> parameters = new LinkedHashMap<>();
        options.model()
                .ifPresent(model -> parameters.put(
                        MODEL_PARAMETER, Path.of(model).toAbsolutePath().toString()));
        LauncherOptions.Repository repository = options.repository();
        repository
                .directory()
                .ifPresent(dir -> parameters.put(
                        MODELS_PARAMETER,
                        LauncherOptions.isStore(dir)
                                ? dir.strip()
                                : Path.of(dir).toAbsolutePath().toString()));
        repository
                .pollSeconds()
                .ifPresent(seconds -> parameters.put(POLL_SECONDS_PARAMETER, Integer.toString(seconds)));
        repository.defaultModel().ifPresent(name -> parameters.put(DEFAULT_MODEL_PARAMETER, name));
        repository.maxModels().ifPresent(max -> parameters.put(MAX_MODELS_PARAMETER, Integer.toString(max)));
        // Given only when not the defaults, which the app shares (as it shares their environment variables).
        if (options.minRequestRate() != LauncherOptions.DEFAULT_MIN_REQUEST_RATE) {
            parameters.put(MIN_REQUEST_RATE_PARAMETER, Long.toString(options.minRequestRate()));
        }
        if (!options.minRequestRateGrace().equals(LauncherOptions.DEFAULT_MIN_REQUEST_RATE_GRACE)) {
            parameters.put(
                    MIN_REQUEST_RATE_GRACE_PARAMETER,
                    Long.toString(options.minRequestRateGrace().toSeconds()));
        }
        options.webSettings()
                .forEach((key, value) -> parameters.put(
                        key,
                        key.equals(PREDICTION_LOG_PARAMETER) || key.equals(MODEL_CACHE_PARAMETER)
                                ? Path.of(value).toAbsolutePath().toString()
                                : value));
        return parameters;
    }

    /** Called by {@link Main} inside the class loader of {@code WEB-INF/lib-jetty/}. */
    public static void main(String[] args, Path war) throws Exception {
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n"); // one line per record
        }
        boolean ownLogging = System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null;
        if (ownLogging) {
            JETTY_LOG.setLevel(Level.WARNING); // Jetty's start-up chatter; the ready line says what matters
        }
        CacheLineReferences.preset();
        ClassArchiveNotice.ofThisJvm().ifPresent(line -> System.err.println("tabserve: " + line));
        LauncherOptions options;
        try {
            options = LauncherArguments.parse(args, System.getenv());
        } catch (LauncherOptions.UsageException e) {
            System.err.println("tabserve: " + e.getMessage());
            System.err.print(LauncherUsage.TEXT);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(LauncherUsage.TEXT);
            return;
        }
        if (ownLogging) { // an operator's logging configuration is theirs to bound
            ProcessOutput.takeOverConsoleLogging();
        }
        // From here on the launcher's lines are said in order with the log's ("see the log above"), never waiting.
        Server server;
        try {
            server = create(options, war);
        } catch (IllegalArgumentException e) { // a TLS file missing, not PEM or readable by others: in words
            ProcessOutput.say("cannot start: " + e.getMessage());
            ProcessOutput.flush();
            System.exit(1);
            return;
        }
        Optional<String> portTaken = PortsFirst.open(server, options);
        if (portTaken.isPresent()) {
            ProcessOutput.say(portTaken.get());
            ProcessOutput.flush();
            System.exit(1);
            return;
        }
        try {
            server.start();
        } catch (Exception e) {
            ProcessOutput.say("cannot start on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            stopQuietly(server);
            System.exit(1);
            return;
        }
        WebAppContext webapp = server.getDescendant(WebAppContext.class);
        ServletContext context = webapp.getServletContext();
        Object failure = context.getAttribute(MODEL_FAILURE);
        if (failure != null || !webapp.isAvailable()) {
            ProcessOutput.say(failure != null ? failure.toString() : "the web app failed to start; see the log above");
            stopQuietly(server);
            System.exit(1);
            return;
        }
        if (server.getRequestLog() instanceof AccessLogAhead ahead) {
            try {
                ahead.built(); // before the ready line: a log that cannot be built fails the start, not a request
            } catch (IllegalStateException e) {
                ProcessOutput.say(e.getMessage());
                stopQuietly(server);
                System.exit(1);
                return;
            }
        }
        // Before the ready line, so that a SIGTERM sent the moment it appears stops the server gracefully (exit 0).
        Drain drain = server.getBean(Drain.class);
        StopSignals.onStop(signal -> {
            stopAsked(server);
            String said = drain.onSignal(signal, () -> stopQuietly(server));
            if (said != null) {
                ProcessOutput.say(said);
            }
        });
        if (System.getProperty(SecondJvm.WAR_PROPERTY) != null) { // this is the second JVM of a start: see SecondJvm
            FirstJvmStop.watch(System.in, () -> {
                stopAsked(server);
                String said = drain.onPassedOnStop(() -> stopQuietly(server));
                if (said != null) {
                    ProcessOutput.say(said);
                }
            });
        }
        System.out.println(readyLine(server, context.getAttribute(MODEL_SUMMARY)));
        System.out.flush();

        server.join();
        ProcessOutput.flush(); // the last requests' and records' lines, which the writers would write a few ms later
        System.exit(0);
    }

    /** The stop is asked for (before any drain): the clients' patience with the answers' last bytes counts from now. */
    private static void stopAsked(Server server) {
        server.getEventListeners().stream()
                .filter(DeliveredBeforeExit.class::isInstance)
                .forEach(listener -> ((DeliveredBeforeExit) listener).stopAsked());
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            ProcessOutput.say("error while stopping: " + e);
        }
        ProcessOutput.flush();
    }
}
