package org.tabserve.launcher;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The launcher's settings from flags and environment, a flag winning over its variable: {@code --port}
 * ({@code TABSERVE_PORT}, default 8080), {@code --host} ({@code TABSERVE_HOST}, default 127.0.0.1),
 * {@code --model} ({@code TABSERVE_MODEL}, default the model inside the WAR), {@code --idle-timeout}
 * ({@code TABSERVE_IDLE_TIMEOUT}, seconds, default 30), {@code --header-timeout} ({@code TABSERVE_HEADER_TIMEOUT},
 * seconds, default 20), {@code --max-header-bytes} ({@code TABSERVE_MAX_HEADER_BYTES}, default 8192),
 * {@code --min-request-rate} ({@code TABSERVE_MIN_REQUEST_RATE}, bytes/s, default 1024) and
 * {@code --min-request-rate-grace} ({@code TABSERVE_MIN_REQUEST_RATE_GRACE}, seconds, default 10),
 * {@code --min-response-rate} ({@code TABSERVE_MIN_RESPONSE_RATE}, bytes/s, default 1024),
 * {@code --max-concurrent-streams} ({@code TABSERVE_MAX_CONCURRENT_STREAMS}, default 32), the model
 * repository's {@code --models} ({@code TABSERVE_MODELS}), {@code --poll-seconds} ({@code TABSERVE_POLL_SECONDS}),
 * {@code --default-model} ({@code TABSERVE_DEFAULT_MODEL}) and {@code --max-models} ({@code TABSERVE_MAX_MODELS}),
 * {@code --drain-seconds} ({@code TABSERVE_DRAIN_SECONDS}, default 5), {@code --grpc-port}
 * ({@code TABSERVE_GRPC_PORT}, default none), {@code --probe-port} ({@code TABSERVE_PROBE_PORT}, default none),
 * {@code --tls-cert}, {@code --tls-key} and {@code --tls-client-ca} ({@link Tls}), the web
 * app's {@code --prediction-log} flags and
 * {@code --feedback-token}, {@code --open-feedback}, {@code --api-keys}, {@code --oidc-issuer}, {@code --oidc-audience}, {@code --oidc-scopes-claim}, {@code --oidc-read-deadline}, {@code --oidc-min-read-rate}, {@code --oidc-login-client}, {@code --oidc-login-secret-file}, {@code --oidc-redirect-base}, {@code --client-rates}, {@code --audit-log}, {@code --shared-state} and {@code --cors-origins} (passed on as its
 * settings) and
 * {@code --help}.
 *
 * @param host           the interface to listen on
 * @param port           the port (0 picks a free one)
 * @param model          the ONNX model to serve instead of the bundled one
 * @param help           whether to print usage and exit
 * @param idleTimeout    how long a connection may stay silent (also in the middle of a request's headers or body)
 *                       before the server closes it: what ends slow-loris clients
 * @param maxHeaderBytes the largest request line plus headers accepted (431 past it)
 * @param headerTimeout  how long a request's line and headers may take to arrive in all, however steadily they
 *                       trickle: what ends slow-loris clients that send a byte just before each idle timeout
 * @param repository     the model repository's settings, for the web app
 * @param minRequestRate the slowest average rate, in bytes per second since the request began, at which a request's
 *                       body may arrive once {@code minRequestRateGrace} has passed (408 below it; 0: no minimum),
 *                       and over every {@code minRequestRateGrace} the server waits for it (a stall):
 *                       what ends uploads that trickle a byte before each idle timeout
 * @param minRequestRateGrace how long a body may arrive, or an answer be read, at any rate before the minimum
 *                       applies
 * @param minResponseRate the slowest average rate, in bytes per second of the time the server has waited for the
 *                       client to take them, at which a response may be read once the grace has passed (the response
 *                       is cut below it; 0: no minimum): what frees the thread and slot of a client that reads nothing
 * @param maxConcurrentStreams most HTTP/2 streams one connection may have open at once, fewer than the web app's
 *                       concurrency slots, so that one connection cannot take them all
 * @param webSettings    the web app's own settings given as flags ({@code --prediction-log DIR} is
 *                       {@code tabserve.prediction-log}), passed on as init-parameters for the app to check
 * @param accessLogMask  the query parameters whose values the access log leaves out: the prediction log's masked
 *                       columns ({@code --prediction-log-mask}, else the system property or environment variable the
 *                       app reads it from), so that a value masked in one log is not written in the other
 * @param drainTime      how long the server goes on serving after SIGTERM, readiness 503, before it stops (0: at once)
 * @param grpcPort       a second port that speaks only HTTP/2 cleartext, for gRPC clients, with threads of its own
 *                       (0 picks a free one); empty: gRPC only on {@code port}, beside HTTP/1.1
 * @param probePort      a third port that answers only {@code /health/live} and {@code /health/ready}, with threads
 *                       and a selector of its own (0 picks a free one); empty: probes on {@code port} only
 * @param tls            {@code --tls-cert}, {@code --tls-key} and {@code --tls-client-ca}: HTTPS on {@code port} (and
 *                       {@code grpcPort}); empty: cleartext
 */
public record LauncherOptions(
        String host,
        int port,
        Optional<String> model,
        boolean help,
        Duration idleTimeout,
        int maxHeaderBytes,
        Duration headerTimeout,
        Repository repository,
        long minRequestRate,
        Duration minRequestRateGrace,
        long minResponseRate,
        int maxConcurrentStreams,
        Map<String, String> webSettings,
        Set<String> accessLogMask,
        Duration drainTime,
        OptionalInt grpcPort,
        OptionalInt probePort,
        Optional<Tls> tls) {

    /**
     * The flags that are the web app's settings of the same name under {@code tabserve.}; {@code --open-feedback}, a
     * switch, sets its setting to true.
     */
    static final List<String> WEB_SETTING_FLAGS = List.of(
            "--prediction-log",
            "--prediction-log-sample",
            "--prediction-log-mask",
            "--feedback-token",
            "--shared-state",
            "--open-feedback",
            "--api-keys",
            "--audit-log",
            "--oidc-issuer",
            "--oidc-audience",
            "--oidc-scopes-claim",
            "--client-rates",
            "--oidc-read-deadline",
            "--oidc-min-read-rate",
            "--oidc-login-client",
            "--oidc-login-secret-file",
            "--oidc-redirect-base",
            "--cors-origins");

    public LauncherOptions {
        webSettings = Map.copyOf(webSettings);
        accessLogMask = Set.copyOf(accessLogMask);
    }

    /**
     * The model repository's settings as given; the web app applies its own defaults to what is not (the launcher
     * only checks the form of each value, the app what it means).
     *
     * @param directory    {@code --models}: serve every model in this directory instead of one
     * @param pollSeconds  {@code --poll-seconds}: how often to look for added, replaced and removed models (0: once)
     * @param defaultModel {@code --default-model}: the model the root routes answer with
     * @param maxModels    {@code --max-models}: most model versions loaded at once
     */
    public record Repository(
            Optional<String> directory, OptionalInt pollSeconds, Optional<String> defaultModel, OptionalInt maxModels) {

        /** Nothing given: one model, as before. */
        public static final Repository NONE =
                new Repository(Optional.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty());
    }

    /**
     * The PEM files of HTTPS ({@code --tls-cert}, {@code TABSERVE_TLS_CERT}; {@code --tls-key},
     * {@code TABSERVE_TLS_KEY}; {@code --tls-client-ca}, {@code TABSERVE_TLS_CLIENT_CA}), read at start.
     *
     * @param cert     the server's certificate chain, its own first
     * @param key      its PKCS#8 private key, which only the server's user may read
     * @param clientCa the authority whose certificates clients must present; empty: none asked
     */
    public record Tls(java.nio.file.Path cert, java.nio.file.Path key, Optional<java.nio.file.Path> clientCa) {}

    /** Environment variables of {@link Tls}'s files. */
    public static final String TLS_CERT_VARIABLE = "TABSERVE_TLS_CERT";

    public static final String TLS_KEY_VARIABLE = "TABSERVE_TLS_KEY";
    public static final String TLS_CLIENT_CA_VARIABLE = "TABSERVE_TLS_CLIENT_CA";

    /** Default idle timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Default limit of request line plus headers, Jetty's own. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 8192;
    /** Default time a request's line and headers may take to arrive: ample for any client on any network. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(20);
    /**
     * Default minimum body rate, bytes per second on average: 8 kbit/s, which GPRS, the slowest mobile data link still
     * in use, exceeds several times over; a body of the 4 MiB JSON limit would take over an hour at this rate.
     */
    public static final long DEFAULT_MIN_REQUEST_RATE = 1024;
    /**
     * Default time before the minimum body rate applies: a mobile radio waking up, TCP's slow start and a first
     * stall all fit, and a trickling client is cut after this long, not after as long as it likes.
     */
    public static final Duration DEFAULT_MIN_REQUEST_RATE_GRACE = Duration.ofSeconds(10);
    /** Default minimum response rate, bytes per second: the body's minimum, for the same reasons. */
    public static final long DEFAULT_MIN_RESPONSE_RATE = 1024;
    /**
     * Default HTTP/2 streams per connection: half of the web app's default concurrency slots (64), as uploads get
     * half, so that one connection, however many calls it multiplexes, leaves the other half to other clients.
     */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 32;

    /**
     * Default drain after SIGTERM: Kubernetes takes a stopping pod out of its Service's endpoints in parallel with
     * SIGTERM, and proxies learn it within a few seconds; a balancer's health check within its interval times its
     * fall count. Ctrl-C (SIGINT) never waits for it.
     */
    public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(5);

    /** The usual settings: loopback or not, a port, a model; default limits, no model repository. */
    public LauncherOptions(String host, int port, Optional<String> model, boolean help) {
        this(
                host,
                port,
                model,
                help,
                DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_HEADER_BYTES,
                DEFAULT_HEADER_TIMEOUT,
                Repository.NONE,
                DEFAULT_MIN_REQUEST_RATE,
                DEFAULT_MIN_REQUEST_RATE_GRACE,
                DEFAULT_MIN_RESPONSE_RATE,
                DEFAULT_MAX_CONCURRENT_STREAMS,
                Map.of(),
                Set.of(),
                DEFAULT_DRAIN_TIME,
                OptionalInt.empty(),
                OptionalInt.empty(),
                Optional.empty());
    }

    /** Environment variable for the port. */
    public static final String PORT_VARIABLE = "TABSERVE_PORT";
    /** Environment variable for the host. */
    public static final String HOST_VARIABLE = "TABSERVE_HOST";
    /** Environment variable for the model path; the web app reads the same one inside any container. */
    public static final String MODEL_VARIABLE = "TABSERVE_MODEL";
    /** Environment variable for the idle timeout, in seconds. */
    public static final String IDLE_TIMEOUT_VARIABLE = "TABSERVE_IDLE_TIMEOUT";
    /** Environment variable for the header timeout, in seconds. */
    public static final String HEADER_TIMEOUT_VARIABLE = "TABSERVE_HEADER_TIMEOUT";
    /** Environment variable for the header size limit, in bytes. */
    public static final String MAX_HEADER_BYTES_VARIABLE = "TABSERVE_MAX_HEADER_BYTES";
    /** Environment variable for the minimum body rate, in bytes per second. */
    public static final String MIN_REQUEST_RATE_VARIABLE = "TABSERVE_MIN_REQUEST_RATE";
    /** Environment variable for the time before the minimum body rate applies, in seconds. */
    public static final String MIN_REQUEST_RATE_GRACE_VARIABLE = "TABSERVE_MIN_REQUEST_RATE_GRACE";
    /** Environment variable for the minimum response rate, in bytes per second. */
    public static final String MIN_RESPONSE_RATE_VARIABLE = "TABSERVE_MIN_RESPONSE_RATE";
    /** Environment variable for the most HTTP/2 streams a connection may have open at once. */
    public static final String MAX_CONCURRENT_STREAMS_VARIABLE = "TABSERVE_MAX_CONCURRENT_STREAMS";
    /** Environment variable for the drain after SIGTERM, in seconds. */
    public static final String DRAIN_SECONDS_VARIABLE = "TABSERVE_DRAIN_SECONDS";
    /** Environment variable for the gRPC-only port. */
    public static final String GRPC_PORT_VARIABLE = "TABSERVE_GRPC_PORT";
    /** Environment variable for the health-probe port. */
    public static final String PROBE_PORT_VARIABLE = "TABSERVE_PROBE_PORT";
    /** Environment variable for the model repository directory; the web app reads the same one inside any container. */
    public static final String MODELS_VARIABLE = "TABSERVE_MODELS";
    /** Environment variable for the repository's poll interval, in seconds. */
    public static final String POLL_SECONDS_VARIABLE = "TABSERVE_POLL_SECONDS";
    /** Environment variable for the default model's name. */
    public static final String DEFAULT_MODEL_VARIABLE = "TABSERVE_DEFAULT_MODEL";
    /** Environment variable for the most model versions loaded at once. */
    public static final String MAX_MODELS_VARIABLE = "TABSERVE_MAX_MODELS";

    /** The web app's setting of the OTLP endpoint its traces go to (OpenTelemetry's own name): {@code --otel-endpoint}. */
    static final String OTEL_ENDPOINT_PARAMETER = "otel.exporter.otlp.endpoint";

    /** Whether {@code location} is an object store's ({@code s3://BUCKET/PREFIX}), passed to the app as it is. */
    static boolean isStore(String location) {
        return location.strip().regionMatches(true, 0, "s3://", 0, 5);
    }

    /** Thrown for arguments that make no sense, with the line to print. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
