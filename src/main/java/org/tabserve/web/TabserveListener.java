package org.tabserve.web;

import io.grpc.servlet.jakarta.ServletServerBuilder;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;
import org.tabserve.predictionlog.PredictionLog;
import org.tabserve.predictionlog.PredictionLogOptions;
import org.tabserve.serving.Scoring;
import org.tabserve.serving.ServedModels;
import org.tabserve.serving.access.ClientBuckets;
import org.tabserve.serving.access.oidc.OidcLogin;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.explanations.RowExplanations;
import org.tabserve.serving.monitor.ModelConcurrency;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.trace.TraceSettings;
import org.tabserve.serving.trace.Tracing;
import org.tabserve.serving.trace.otel.OtelTracing;
import org.tabserve.web.api.CsvUpload;
import org.tabserve.web.api.PredictFileHandler;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HealthHandler;
import org.tabserve.web.http.MetricsFilter;
import org.tabserve.web.http.ModelBytes;
import org.tabserve.web.http.RouteServlet;
import org.tabserve.web.http.RouteTable;
import org.tabserve.web.http.Views;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.auth.Access;
import org.tabserve.web.http.auth.AdminToken;
import org.tabserve.web.http.auth.AuditLog;
import org.tabserve.web.http.auth.Credentials;
import org.tabserve.web.http.auth.Exposure;
import org.tabserve.web.http.auth.FeedbackToken;
import org.tabserve.web.http.auth.login.LoginFilter;
import org.tabserve.web.http.auth.login.LoginSettings;
import org.tabserve.web.http.container.CrossOriginFilter;
import org.tabserve.web.http.container.CrossOrigins;
import org.tabserve.web.http.container.ErrorServlet;
import org.tabserve.web.http.container.FirstRequestServlet;
import org.tabserve.web.http.container.SecurityHeadersFilter;
import org.tabserve.web.http.container.StaticServlet;
import org.tabserve.web.http.container.SuspiciousPathFilter;
import org.tabserve.web.http.limits.BodyRate;
import org.tabserve.web.http.limits.ConcurrencyLimitFilter;
import org.tabserve.web.http.limits.ReaderLaneFilter;
import org.tabserve.web.http.limits.RequestEncodingFilter;
import org.tabserve.web.metrics.MetricsHandler;
import org.tabserve.web.pages.ModelsPageHandler;
import org.tabserve.web.pages.UploadPages;
import org.tabserve.web.v2.grpc.V2GrpcBodyFilter;
import org.tabserve.web.v2.grpc.V2GrpcDeadlines;
import org.tabserve.web.v2.grpc.V2GrpcService;

/**
 * Wires the web app once, in any servlet container: resolves {@link WebConfig}, loads the model (keeping the app up
 * with a 503 on readiness when it cannot), builds the route table ({@link TabserveRoutes}) and the servlet that
 * serves it, the container-level servlets (metrics, error pages, static files) and the filters, and closes the
 * models when the app stops. Declared in {@code web.xml}, as only declared listeners may register servlets.
 */
public final class TabserveListener implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(ContextAttributes.LOGGER);
    /** The servlet gRPC calls go to, whose calls the gRPC service counts in the metrics itself. */
    private static final String GRPC_SERVLET = "grpc";

    private ServedModels served;
    private PredictionLog predictionLog;
    /** The upload route, whose scoring pool stops with the app. */
    private PredictFileHandler upload;
    /** The explanations, whose threads stop with the app. */
    private RowExplanations explanations;
    /** The audit log, closed with the app. */
    private AuditLog audit = AuditLog.OFF;
    /** The fleet's shared store of sessions, closed with the app (its answers close with the feedback monitor). */
    private SharedState shared;
    /** Who is calling; closed with the app (the OIDC issuer's keys are no longer asked for). */
    private Access access;
    /** The gRPC calls' deadline timer, started with the gRPC servlet at its first call and stopped with the app. */
    private volatile ScheduledExecutorService grpcDeadlines;

    /**
     * The fleet's shared store of answers kept for labels and of clients' rates, {@code redis://host:port} (env
     * {@code TABSERVE_SHARED_STATE}); unset, each replica keeps its own.
     */
    public static final String SHARED_STATE = SharedState.SETTING;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        WebConfig config;
        try {
            config = WebConfig.resolve(context);
        } catch (IllegalArgumentException e) {
            LOG.severe("tabserve is not configured correctly: " + e.getMessage());
            throw e;
        }
        TabserveMetrics metrics = new TabserveMetrics();
        Monitors monitors = Monitors.of(metrics);
        if (context.getAttribute(ContextAttributes.LAUNCHER_COUNTERS) instanceof java.util.Map<?, ?> counters) {
            metrics.launcherCounters(counters); // java -jar's connection-level counts
        }
        ModelBytes documents = ModelBytes.ofHeap();
        MemoryBudget heap = MemoryBudget.ofHeap();
        // The prediction log's queue holds scored batches after their requests have given their share back: its
        // bound is set aside from the budget, so that requests and the queue together stay within it.
        long logBytes = config.predictionLog()
                .map(log -> log.queueBytes().orElse(heap.capacity() / 8))
                .orElse(0L);
        MemoryBudget budget;
        try {
            // Answers kept for labels get a share set aside too, as the log's queue does.
            budget = monitors.feedback().keepWithin(heap.setAside(logBytes, PredictionLogOptions.QUEUE_BYTES));
        } catch (IllegalArgumentException e) {
            LOG.severe("tabserve is not configured correctly: " + e.getMessage());
            throw e;
        }
        // The fleet's shared store of answers kept for labels, of clients' rates and of the pages' sessions, when one
        // is given.
        shared = SharedState.open(context, monitors, metrics);
        ClientBuckets buckets = shared.buckets();
        // Before the models, whose unloads and reloads drop their versions' kept explainers.
        explanations = new RowExplanations(config.explanations(), metrics, budget);
        served = ModelsAtStart.start(
                context,
                config,
                metrics,
                monitors,
                documents,
                explanations,
                predictionLog(config, metrics, logBytes),
                budget);
        served.trace(tracing(context, metrics));
        context.setAttribute(HealthHandler.READY_BODY, HealthHandler.readyBodies(served));
        Views views = new Views(context, config.cacheTemplates());
        // One filter measures every request; declared here so that it needs no web.xml entry or annotation scan.
        FilterRegistration.Dynamic measuring = context.addFilter("metrics", new MetricsFilter(metrics, GRPC_SERVLET));
        measuring.addMappingForUrlPatterns(ConcurrencyLimitFilter.dispatches(), false, "/*");
        // Every filter lets the gRPC servlet go asynchronous behind it (gRPC's servlet transport reads and writes with
        // the servlet API's non-blocking I/O); for a gRPC call each sees the request up to the servlet's return.
        measuring.setAsyncSupported(true);
        LOG.info("Memory budget for large requests: " + (budget.capacity() >> 20) + " MB of a "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MB heap"
                + (logBytes == 0 ? "" : " (and " + (logBytes >> 10) + " KiB for the prediction log's queue)"));
        File temp = (File) context.getAttribute(ServletContext.TEMPDIR);
        Scoring scoring = new Scoring(explanations);
        upload = new PredictFileHandler(config, new UploadPages(views), budget, scoring);
        AdminToken adminToken = new AdminToken(config, metrics);
        FeedbackToken feedbackToken;
        java.util.Optional<CrossOrigins> crossOrigins;
        try {
            crossOrigins = CrossOrigins.resolve(WebConfig.lookup(context));
            feedbackToken = FeedbackToken.resolve(WebConfig.lookup(context), adminToken);
        } catch (IllegalArgumentException e) {
            LOG.severe("tabserve is not configured correctly: " + e.getMessage());
            throw e;
        }
        java.util.Optional<OidcLogin> login; // a person's sign-in to the pages, and how long its sessions last
        LoginSettings sessions;
        java.util.Optional<org.tabserve.serving.access.oidc.OidcTokens> tokens = java.util.Optional.empty();
        try {
            audit = AuditLog.open(WebConfig.lookup(context));
            tokens = Credentials.tokens(WebConfig.lookup(context), audit);
            tokens.ifPresent(t -> metrics.outboundReadsAbandoned("oidc_issuer", t::readsAbandoned));
            access = new Access(
                    Credentials.keys(WebConfig.lookup(context)),
                    tokens,
                    adminToken,
                    feedbackToken,
                    new Exposure(java.util.Optional.ofNullable(
                            (String) context.getAttribute(ContextAttributes.LAUNCHER_HOST))),
                    metrics,
                    audit,
                    org.tabserve.serving.access.ClientRates.resolve(WebConfig.lookup(context)),
                    buckets);
            login = OidcLogin.open(WebConfig.lookup(context), tokens);
            sessions = LoginSettings.resolve(WebConfig.lookup(context));
        } catch (IllegalArgumentException e) {
            LOG.severe("tabserve is not configured correctly: " + e.getMessage());
            // The issuer's keys, read again in the background, would go on after the refused start (and say so).
            tokens.ifPresent(org.tabserve.serving.access.oidc.OidcTokens::close);
            throw e;
        }
        RouteTable routes = TabserveRoutes.table(
                served,
                config,
                views,
                budget,
                documents,
                access,
                temp == null ? null : temp.toPath(),
                upload,
                scoring,
                ServerVersion.read());
        ErrorRenderer errors = new ErrorRenderer(views, routes);

        ServletRegistration.Dynamic table = add(
                context,
                "routes",
                new RouteServlet(routes, served, errors, access),
                routes.mappings().toArray(String[]::new));
        table.setMultipartConfig(
                CsvUpload.multipartConfig(temp == null ? null : temp.getAbsolutePath(), config.maxUploadBytes()));
        // The Open Inference Protocol over gRPC, on the same port: HTTP/2 requests to /inference.GRPCInferenceService/*
        // (cleartext under java -jar, where the launcher enables h2c). Its messages are bounded as REST bodies are, and
        // reserve from the same memory budget (V2GrpcIntake). Built at its first call: grpc-java's classes took about
        // 0.1 s of every start (bench/RESULTS.notes.md, "Issue 25, goal 5"); nothing in it depends on the model.
        // Each call runs on the container thread that delivered its message, as a REST request does, not on a thread
        // of gRPC's own pool: any executor but directExecutor() is wrapped by gRPC in a SerializingExecutor, so a
        // call's events (a cancel from a timer or a reset among them) still run one at a time and in order, as
        // ServerCall.Listener promises, where directExecutor() would run a cancel beside the message it cancels.
        // The hop it saves was a third of a single-row call's server CPU (bench/RESULTS.md, "gRPC single rows").
        String version = ServerVersion.read();
        int maxInbound = (int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes());
        add(
                        context,
                        GRPC_SERVLET,
                        new FirstRequestServlet(() -> {
                            V2GrpcService service = new V2GrpcService(
                                    served, config.maxBatchRows(), budget, version, access, metrics, scoring);
                            Executor onTheCallersThread = Runnable::run;
                            grpcDeadlines = V2GrpcDeadlines.start(); // a deadline costs no wake-up (V2GrpcDeadlines)
                            return new ServletServerBuilder()
                                    .executor(onTheCallersThread)
                                    .addService(service.definition())
                                    .scheduledExecutorService(grpcDeadlines)
                                    .addStreamTracerFactory(service.reservations())
                                    .maxInboundMessageSize(maxInbound)
                                    .buildServlet();
                        }),
                        V2GrpcService.PATH + "/*")
                .setAsyncSupported(true);
        add(context, "error", new ErrorServlet(errors), "/error");
        // Each directory by its exact path too, so that no container answers one named without its slash (Undertow).
        add(context, "static", new StaticServlet(errors), "/").addMapping(StaticServlet.directories(context));

        // Security headers first, so that even a refused request carries them; then the concurrency limit, which keeps
        // a share of its slots for small requests so that uploads (however slowly they arrive) cannot take them all.
        SecurityHeadersFilter.add(context, login.map(OidcLogin::issuerOrigin)); // forms may post to the issuer
        // A path with an encoded slash, backslash or NUL: refused here too, where the container passes it on.
        FilterRegistration.Dynamic paths = context.addFilter("suspicious-paths", new SuspiciousPathFilter(errors));
        paths.addMappingForUrlPatterns(java.util.EnumSet.of(DispatcherType.REQUEST), true, "/*");
        paths.setAsyncSupported(true);
        // Browser pages of the listed origins may call the JSON routes: preflights answered before any slot is taken.
        crossOrigins.ifPresent(origins -> {
            CrossOriginFilter.add(context, origins, routes, TabserveRoutes::crossOrigin, errors);
            LOG.info("CORS: browser pages from " + origins.described() + " may call the JSON routes");
        });
        // A person's sign-in (issue 78): its callback ahead of the limit, whose slots callbacks waiting on the issuer's
        // token endpoint must never hold (their exchanges are bounded apart, issue 91).
        java.util.Optional<LoginFilter> signIn =
                login.map(l -> new LoginFilter(l, sessions, shared.sessions(), routes::asksScope, errors, audit));
        signIn.ifPresent(filter -> everywhere(
                context, "sign-in-callback", filter.callbacks(), java.util.EnumSet.of(DispatcherType.REQUEST)));
        // The models page and /api/models hold at most a quarter of the limit's slots, refused before taking one; so do
        // the scrapes of /metrics, in a lane of their own, so that a crowd of either never shuts out the other.
        ReaderLaneFilter.add(
                context,
                "reader-lane",
                config,
                TabserveRoutes.dashboard(ModelsPageHandler.manyModels(served.repository())),
                "the models page and /api/models",
                errors);
        ReaderLaneFilter.add(context, "metrics-lane", config, MetricsHandler.PATH::equals, MetricsHandler.PATH, errors);
        FilterRegistration.Dynamic limit = context.addFilter(
                "concurrency-limit",
                new ConcurrencyLimitFilter(
                        config.maxConcurrentRequests(),
                        config.maxConcurrentUploads(),
                        BodyRate.resolve(WebConfig.lookup(context)),
                        errors,
                        path -> metrics.concurrency()
                                .refused(
                                        routes.modelOf(path, served.repository()::defaultModel)
                                                .orElse(""),
                                        ModelConcurrency.NO_SLOT)));
        // It and the filters after it see a request again on its ASYNC dispatch when a body read ahead arrives late.
        limit.addMappingForUrlPatterns(ConcurrencyLimitFilter.dispatches(), true, "/*");
        limit.setAsyncSupported(true);
        // Then the body's content coding: gzip is read inflated by the servlets, any other is refused with 415.
        everywhere(context, "request-encoding", new RequestEncodingFilter(errors), ConcurrencyLimitFilter.dispatches());
        // Then the rest of the sign-in, within a slot and with the body's coding undone.
        signIn.ifPresent(filter -> everywhere(context, "sign-in", filter, ConcurrencyLimitFilter.dispatches()));
        // Last, on the gRPC service's path alone: its messages' bytes are metered against the memory budget as the
        // transport reads them, as REST bodies are.
        FilterRegistration.Dynamic grpcBodies = context.addFilter("grpc-bodies", new V2GrpcBodyFilter(budget));
        grpcBodies.addMappingForUrlPatterns(ConcurrencyLimitFilter.dispatches(), true, V2GrpcService.PATH + "/*");
        grpcBodies.setAsyncSupported(true);
    }

    /** Maps {@code filter} to every path on {@code dispatches}, after those mapped before it, asynchronous calls let through. */
    private static void everywhere(
            ServletContext context,
            String name,
            jakarta.servlet.Filter filter,
            java.util.EnumSet<DispatcherType> dispatches) {
        FilterRegistration.Dynamic registration = context.addFilter(name, filter);
        registration.addMappingForUrlPatterns(dispatches, true, "/*");
        registration.setAsyncSupported(true);
    }

    private static ServletRegistration.Dynamic add(
            ServletContext context, String name, jakarta.servlet.Servlet servlet, String... mappings) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        java.util.Set<String> taken = registration.addMapping(mappings);
        if (!taken.isEmpty()) {
            throw new IllegalStateException("the container already maps " + taken + "; tabserve needs it for " + name);
        }
        registration.setLoadOnStartup(1);
        // So that the concurrency limit may read a trickling body without holding a thread (BodyReadAhead).
        registration.setAsyncSupported(true);
        return registration;
    }

    /**
     * Traces the answers when an OTLP endpoint is given (OpenTelemetry's classes load only then); settings that are
     * not valid turn tracing off with one log line, and the server starts without it.
     */
    private static Tracing tracing(ServletContext context, TabserveMetrics metrics) {
        java.util.Optional<TraceSettings> settings;
        try {
            settings = TraceSettings.resolve(WebConfig.lookup(context));
        } catch (IllegalArgumentException e) {
            LOG.warning("Tracing is off: " + e.getMessage());
            return Tracing.OFF;
        }
        return settings.map(traced -> {
                    Tracing tracing = OtelTracing.open(traced, metrics.registry(), metrics::outboundReadsAbandoned);
                    LOG.info("Tracing " + Math.round(traced.ratio() * 1000) / 10.0 + " % of requests"
                            + (traced.parentBased() ? " (or as their traceparent says)" : "") + " to OTLP/HTTP "
                            + traced.traces().getScheme() + "://"
                            + traced.traces().getRawAuthority());
                    return tracing;
                })
                .orElse(Tracing.OFF);
    }

    /** The prediction log the settings ask for, started, its counters in the metrics; a directory it cannot write stops the app. */
    private PredictionLog predictionLog(WebConfig config, TabserveMetrics metrics, long queueBytes) {
        if (config.predictionLog().isEmpty()) {
            return PredictionLog.off();
        }
        try {
            predictionLog = PredictionLog.start(config.predictionLog().get(), queueBytes);
        } catch (IOException e) {
            LOG.severe("tabserve is not configured correctly: " + e.getMessage());
            throw new IllegalStateException(e.getMessage(), e);
        }
        predictionLog.register(metrics.registry());
        return predictionLog;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (upload != null) {
            upload.close();
        }
        if (explanations != null) {
            explanations.close();
        }
        if (served != null) {
            served.rollouts().close();
            served.repository().close(); // each model closes once no request uses it any more
        }
        if (predictionLog != null) {
            predictionLog.close(); // what is queued is written first
        }
        if (served != null) {
            served.monitors().feedback().close(); // the shared store's writer, if any
            served.tracing().close(); // what is queued is sent, within a short bound
        }
        if (access != null) {
            access.close();
        }
        if (shared != null) {
            shared.close();
        }
        audit.close();
        ScheduledExecutorService deadlines = grpcDeadlines;
        if (deadlines != null) {
            deadlines.shutdownNow(); // after the servlet's destroy: no call is left to time out
        }
    }
}
