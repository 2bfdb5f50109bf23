package org.tabserve.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.tabserve.repository.RepositoryOptions;
import org.tabserve.testing.RunningServer;
import org.tabserve.web.http.WebConfig;

/**
 * The web app in this JVM, as {@code java -jar tabserve.war} would serve it but without the WAR: the launcher's own
 * {@link EmbeddedServer#create} builds the server (unstarted, on port 0) over the source {@code webapp/} directory,
 * the classes on the test class path, the bundled {@code model.onnx} as {@code WEB-INF/model.onnx} and the Swagger UI
 * webjar's {@code META-INF/resources}. So route tests run under {@code mvn test}, in a second rather than the five a
 * new JVM takes; what only the packaged WAR or a separate process shows stays with {@link org.tabserve.testing.TabserveProcess}.
 *
 * <p>The launcher's environment variables are given as a map, never set in this JVM: the launcher's own ones go
 * through {@link LauncherArguments#parse} as in {@code main}, the web app's (such as {@code TABSERVE_ADMIN_TOKEN}) become
 * the context init-parameters they name, which the app reads before the JVM's environment. Its log (the app's records
 * at the levels this JVM logs, while it runs) and its access log are kept for {@link #output()}, as the process's
 * stdout is; one server at a time reads the log, so tests that read it must not run in parallel.
 */
public final class TabserveServer implements RunningServer {

    /** The web app's settings that an environment variable may give (WebConfig's and the repository's). */
    private static final List<String> APP_SETTINGS = List.of(
            WebConfig.MODEL,
            WebConfig.MAX_BODY_BYTES,
            WebConfig.MAX_BATCH_ROWS,
            WebConfig.MAX_UPLOAD_BYTES,
            WebConfig.MAX_CSV_ROWS,
            WebConfig.MAX_ERROR_ROWS,
            WebConfig.TEMPLATES_CACHE,
            WebConfig.MAX_CONCURRENT_REQUESTS,
            WebConfig.MAX_CONCURRENT_UPLOADS,
            WebConfig.ADMIN_TOKEN,
            org.tabserve.serving.access.oidc.OidcLogin.SECRET,
            org.tabserve.web.http.auth.login.LoginSettings.IDLE,
            org.tabserve.web.http.auth.login.LoginSettings.ABSOLUTE,
            org.tabserve.web.http.auth.login.LoginSettings.MAX_SESSIONS,
            org.tabserve.web.http.auth.login.LoginSettings.MAX_PENDING,
            org.tabserve.web.http.auth.login.LoginSettings.MAX_STARTS_PER_ADDRESS,
            WebConfig.ADMIN_LOOPBACK,
            WebConfig.EXPLAIN_THREADS,
            WebConfig.EXPLAIN_QUEUE,
            WebConfig.MAX_EXPLAIN_MODEL_ROWS,
            WebConfig.EXPLAIN_STRUCTURE,
            RepositoryOptions.DIRECTORY,
            RepositoryOptions.POLL_SECONDS,
            RepositoryOptions.DEFAULT_MODEL,
            RepositoryOptions.MAX_MODELS,
            "tabserve.redis-deadline",
            org.tabserve.web.http.container.CrossOrigins.CORS_ORIGINS);
    /** The launcher's own variables, which {@link LauncherArguments#parse} reads. */
    private static final List<String> LAUNCHER_VARIABLES = List.of(
            LauncherOptions.PORT_VARIABLE,
            LauncherOptions.HOST_VARIABLE,
            LauncherOptions.MODEL_VARIABLE,
            LauncherOptions.IDLE_TIMEOUT_VARIABLE,
            LauncherOptions.HEADER_TIMEOUT_VARIABLE,
            LauncherOptions.MAX_HEADER_BYTES_VARIABLE,
            LauncherOptions.MIN_REQUEST_RATE_VARIABLE,
            LauncherOptions.MIN_REQUEST_RATE_GRACE_VARIABLE,
            LauncherOptions.MIN_RESPONSE_RATE_VARIABLE,
            LauncherOptions.MAX_CONCURRENT_STREAMS_VARIABLE,
            LauncherOptions.MODELS_VARIABLE,
            LauncherOptions.POLL_SECONDS_VARIABLE,
            LauncherOptions.DEFAULT_MODEL_VARIABLE,
            LauncherOptions.MAX_MODELS_VARIABLE,
            LauncherOptions.DRAIN_SECONDS_VARIABLE,
            LauncherOptions.GRPC_PORT_VARIABLE,
            LauncherOptions.PROBE_PORT_VARIABLE);
    /** Where the app's loggers live, for {@link #output()}. */
    private static final Logger APP_LOG = Logger.getLogger("org.tabserve");

    private final Server server;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Handler log = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String line = record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage();
            output.add(record.getThrown() == null ? line : line + " " + record.getThrown());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private URI uri;
    private String model;

    private TabserveServer(Server server) {
        this.server = server;
    }

    /** Starts the app on a free loopback port with these launcher flags (e.g. {@code --model FILE}). */
    public static TabserveServer startReady(String... launcherArgs) {
        return startReady(Map.of(), launcherArgs);
    }

    /**
     * As {@link #startReady(String...)}, with these environment variables: the launcher's ({@code TABSERVE_PORT}, ...)
     * and the web app's ({@code TABSERVE_ADMIN_TOKEN}, ...); any other {@code TABSERVE_} name fails, as a typo should.
     */
    public static TabserveServer startReady(Map<String, String> environment, String... launcherArgs) {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        args.addAll(List.of(launcherArgs));
        LauncherOptions options;
        try {
            options = LauncherArguments.parse(args.toArray(String[]::new), environment);
        } catch (LauncherOptions.UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Server server = EmbeddedServer.create(options, webappDirectory());
        WebAppContext webapp = server.getDescendant(WebAppContext.class);
        webapp.setBaseResource(ResourceFactory.combine(
                ResourceFactory.of(webapp).newResource(webappDirectory()),
                ResourceFactory.of(webapp).newResource(bundledModelOverlay()),
                ResourceFactory.of(webapp).newResource(swaggerUiResources())));
        appSettings(environment).forEach((key, value) -> {
            if (webapp.getInitParameter(key) == null) {
                webapp.setInitParameter(key, value);
            }
        });
        TabserveServer running = new TabserveServer(server);
        server.setRequestLog(EmbeddedServer.accessLog(running.output::add));
        running.start(webapp);
        return running;
    }

    private void start(WebAppContext webapp) {
        APP_LOG.addHandler(log);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("tabserve did not start: " + e + "\n" + String.join("\n", output), e);
        }
        Object failure = webapp.getServletContext().getAttribute(EmbeddedServer.MODEL_FAILURE);
        if (failure != null || !webapp.isAvailable()) {
            close();
            throw new IllegalStateException(
                    "tabserve did not become ready: " + failure + "\n" + String.join("\n", output));
        }
        URI at = server.getURI();
        uri = URI.create("http://" + at.getHost() + ":" + at.getPort() + "/");
        model = String.valueOf(webapp.getServletContext().getAttribute(EmbeddedServer.MODEL_SUMMARY));
        output.add(EmbeddedServer.readyLine(server, model));
    }

    /** The context init-parameters that the environment's web app variables name. */
    static Map<String, String> appSettings(Map<String, String> environment) {
        Map<String, String> byVariable = new LinkedHashMap<>();
        for (String key : APP_SETTINGS) {
            byVariable.put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), key);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        environment.forEach((variable, value) -> {
            String key = byVariable.get(variable);
            if (key != null) {
                settings.put(key, value);
            } else if (variable.startsWith("TABSERVE_") && !LAUNCHER_VARIABLES.contains(variable)) {
                throw new IllegalArgumentException("no tabserve setting is called " + variable);
            }
        });
        return settings;
    }

    /** The source web app, {@code webapp/} under the project's directory (Maven runs tests there). */
    private static Path webappDirectory() {
        return Path.of("webapp").toAbsolutePath();
    }

    /** A directory holding only {@code WEB-INF/model.onnx}, the project's {@code model.onnx}, as the WAR bundles it. */
    private static synchronized Path bundledModelOverlay() {
        Path overlay = Path.of("target", "in-process-webapp").toAbsolutePath();
        Path model = overlay.resolve("WEB-INF/model.onnx");
        try {
            Path source = Path.of("model.onnx").toAbsolutePath();
            if (!Files.exists(model) || Files.mismatch(source, model) != -1) {
                Files.createDirectories(model.getParent());
                Files.copy(source, model, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return overlay;
    }

    /** The Swagger UI webjar's {@code META-INF/resources}, served from the WAR's root as a container serves it. */
    private static URI swaggerUiResources() {
        String marker = "META-INF/resources/webjars/swagger-ui/";
        URL url = TabserveServer.class.getClassLoader().getResource(marker);
        if (url == null) {
            throw new IllegalStateException("the Swagger UI webjar is not on the test class path");
        }
        String text = url.toString();
        try {
            return new URI(text.substring(0, text.length() - "webjars/swagger-ui/".length()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the launcher's drain of this server, which a test signals as {@code main}'s signal handler does */
    /** The Jetty server, for tests of how the launcher built it. */
    Server jetty() {
        return server;
    }

    Drain drain() {
        return server.getBean(Drain.class);
    }

    @Override
    public URI uri() {
        return uri;
    }

    /** @return the port of {@code --grpc-port}'s connector, or -1 without one */
    public int grpcPort() {
        return ServerPorts.named(server, ServerPorts.GRPC)
                .map(ServerConnector::getLocalPort)
                .orElse(-1);
    }

    /** @return the port of {@code --probe-port}'s connector, or -1 without one */
    public int probePort() {
        return ServerPorts.named(server, ServerPorts.PROBES)
                .map(ServerConnector::getLocalPort)
                .orElse(-1);
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public List<String> output() {
        return List.copyOf(output);
    }

    /**
     * Stops the server at once. Not gracefully, as the launcher on SIGTERM does (GracefulShutdownIT tests that, on
     * the WAR): a graceful stop waits {@link ServerPorts#SHUTDOWN_SILENCE} for the test's kept-alive
     * connections, seconds a class for nothing, as no request is in flight when a test closes its server.
     */
    @Override
    public void close() {
        try {
            server.setStopTimeout(0);
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("tabserve did not stop cleanly", e);
        } finally {
            APP_LOG.removeHandler(log);
        }
    }
}
