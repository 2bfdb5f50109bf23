package org.tabserve.launcher;

import static org.tabserve.launcher.LauncherOptions.DEFAULT_DRAIN_TIME;
import static org.tabserve.launcher.LauncherOptions.DEFAULT_HEADER_TIMEOUT;
import static org.tabserve.launcher.LauncherOptions.DEFAULT_IDLE_TIMEOUT;
import static org.tabserve.launcher.LauncherOptions.DEFAULT_MAX_CONCURRENT_STREAMS;
import static org.tabserve.launcher.LauncherOptions.DEFAULT_MAX_HEADER_BYTES;
import static org.tabserve.launcher.LauncherOptions.DEFAULT_MIN_REQUEST_RATE;
import static org.tabserve.launcher.LauncherOptions.DEFAULT_MIN_REQUEST_RATE_GRACE;
import static org.tabserve.launcher.LauncherOptions.DEFAULT_MIN_RESPONSE_RATE;
import static org.tabserve.launcher.LauncherOptions.DEFAULT_MODEL_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.DRAIN_SECONDS_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.GRPC_PORT_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.HEADER_TIMEOUT_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.HOST_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.IDLE_TIMEOUT_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.MAX_CONCURRENT_STREAMS_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.MAX_HEADER_BYTES_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.MAX_MODELS_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.MIN_REQUEST_RATE_GRACE_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.MIN_REQUEST_RATE_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.MIN_RESPONSE_RATE_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.MODELS_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.MODEL_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.POLL_SECONDS_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.PORT_VARIABLE;
import static org.tabserve.launcher.LauncherOptions.PROBE_PORT_VARIABLE;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.tabserve.launcher.LauncherOptions.Repository;
import org.tabserve.launcher.LauncherOptions.UsageException;

/**
 * Reads the launcher's flags and environment into {@link LauncherOptions}, a flag winning over its variable, and
 * refuses a value out of its bounds with a {@link UsageException} that names the flag.
 */
final class LauncherArguments {

    private LauncherArguments() {}

    /** The web app's setting of the prediction log's masked columns, which the access log masks too. */
    static final String PREDICTION_LOG_MASK = "tabserve.prediction-log-mask";
    /** Its environment variable, as the web app names it. */
    static final String PREDICTION_LOG_MASK_VARIABLE = "TABSERVE_PREDICTION_LOG_MASK";
    /** Longest poll interval accepted: a day. */
    static final int MAX_POLL_SECONDS = 86_400;
    /** Largest {@code --min-request-rate} accepted: 100 MB/s, past which a minimum would refuse ordinary networks. */
    static final int MAX_MIN_REQUEST_RATE = 100_000_000;
    /** Largest {@code --max-concurrent-streams} accepted: Jetty's own default, 128. */
    static final int MAX_MAX_CONCURRENT_STREAMS = 128;
    /** Largest {@code --max-models} accepted. */
    static final int MAX_MAX_MODELS = 100_000;

    /** The settings these flags and this environment give, a flag winning over its variable. */
    static LauncherOptions parse(String[] args, Map<String, String> environment) throws UsageException {
        String host = environment.getOrDefault(HOST_VARIABLE, "127.0.0.1");
        String port = environment.getOrDefault(PORT_VARIABLE, "8080");
        String model = environment.get(MODEL_VARIABLE);
        String idle = environment.getOrDefault(IDLE_TIMEOUT_VARIABLE, Long.toString(DEFAULT_IDLE_TIMEOUT.toSeconds()));
        String headerTime =
                environment.getOrDefault(HEADER_TIMEOUT_VARIABLE, Long.toString(DEFAULT_HEADER_TIMEOUT.toSeconds()));
        String headerBytes =
                environment.getOrDefault(MAX_HEADER_BYTES_VARIABLE, Integer.toString(DEFAULT_MAX_HEADER_BYTES));
        String models = environment.get(MODELS_VARIABLE);
        String poll = environment.get(POLL_SECONDS_VARIABLE);
        String defaultModel = environment.get(DEFAULT_MODEL_VARIABLE);
        String maxModels = environment.get(MAX_MODELS_VARIABLE);
        String minRate = environment.getOrDefault(MIN_REQUEST_RATE_VARIABLE, Long.toString(DEFAULT_MIN_REQUEST_RATE));
        String minRateGrace = environment.getOrDefault(
                MIN_REQUEST_RATE_GRACE_VARIABLE, Long.toString(DEFAULT_MIN_REQUEST_RATE_GRACE.toSeconds()));
        String minResponseRate = environment.get(MIN_RESPONSE_RATE_VARIABLE);
        String maxStreams = environment.get(MAX_CONCURRENT_STREAMS_VARIABLE);
        String drain = environment.get(DRAIN_SECONDS_VARIABLE);
        String grpcPort = environment.get(GRPC_PORT_VARIABLE);
        String probePort = environment.get(PROBE_PORT_VARIABLE);
        String tlsCert = environment.get(LauncherOptions.TLS_CERT_VARIABLE);
        String tlsKey = environment.get(LauncherOptions.TLS_KEY_VARIABLE);
        String tlsClientCa = environment.get(LauncherOptions.TLS_CLIENT_CA_VARIABLE);
        boolean help = false;
        Map<String, String> webSettings = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--port",
                        "--host",
                        "--model",
                        "--idle-timeout",
                        "--header-timeout",
                        "--max-header-bytes",
                        "--models",
                        "--poll-seconds",
                        "--default-model",
                        "--max-models",
                        "--min-request-rate",
                        "--min-request-rate-grace",
                        "--min-response-rate",
                        "--max-concurrent-streams",
                        "--drain-seconds",
                        "--grpc-port",
                        "--probe-port",
                        "--tls-cert",
                        "--tls-key",
                        "--tls-client-ca" -> {
                    String value;
                    if (arg.contains("=")) {
                        value = arg.substring(arg.indexOf('=') + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException(name + " needs a value");
                    }
                    switch (name) {
                        case "--port" -> port = value;
                        case "--host" -> host = value;
                        case "--idle-timeout" -> idle = value;
                        case "--header-timeout" -> headerTime = value;
                        case "--max-header-bytes" -> headerBytes = value;
                        case "--models" -> models = value;
                        case "--poll-seconds" -> poll = value;
                        case "--default-model" -> defaultModel = value;
                        case "--max-models" -> maxModels = value;
                        case "--min-request-rate" -> minRate = value;
                        case "--min-request-rate-grace" -> minRateGrace = value;
                        case "--min-response-rate" -> minResponseRate = value;
                        case "--max-concurrent-streams" -> maxStreams = value;
                        case "--drain-seconds" -> drain = value;
                        case "--grpc-port" -> grpcPort = value;
                        case "--probe-port" -> probePort = value;
                        case "--tls-cert" -> tlsCert = value;
                        case "--tls-key" -> tlsKey = value;
                        case "--tls-client-ca" -> tlsClientCa = value;
                        default -> model = value;
                    }
                }
                case "--open-feedback" ->
                    webSettings.put( // a switch; --open-feedback=false is taken too
                            "tabserve.open-feedback", arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "true");
                case "--otel-endpoint" -> { // OpenTelemetry's own setting, as its variable names it
                    if (arg.contains("=")) {
                        webSettings.put(LauncherOptions.OTEL_ENDPOINT_PARAMETER, arg.substring(arg.indexOf('=') + 1));
                    } else if (i + 1 < args.length) {
                        webSettings.put(LauncherOptions.OTEL_ENDPOINT_PARAMETER, args[++i]);
                    } else {
                        throw new UsageException(name + " needs a value");
                    }
                }
                case "--prediction-log",
                        "--prediction-log-sample",
                        "--prediction-log-mask",
                        "--feedback-token",
                        "--api-keys",
                        "--client-rates",
                        "--oidc-issuer",
                        "--oidc-audience",
                        "--oidc-scopes-claim",
                        "--oidc-read-deadline",
                        "--oidc-min-read-rate",
                        "--oidc-login-client",
                        "--oidc-login-secret-file",
                        "--oidc-redirect-base",
                        "--audit-log",
                        "--shared-state",
                        "--cors-origins",
                        "--s3-endpoint",
                        "--model-cache" -> {
                    if (arg.contains("=")) {
                        webSettings.put("tabserve." + name.substring(2), arg.substring(arg.indexOf('=') + 1));
                    } else if (i + 1 < args.length) {
                        webSettings.put("tabserve." + name.substring(2), args[++i]);
                    } else {
                        throw new UsageException(name + " needs a value");
                    }
                }
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        long number;
        try {
            number = whole(port);
        } catch (NumberFormatException e) {
            throw new UsageException("port must be a number from 0 to 65535, got '" + port + "'");
        }
        if (number < 0 || number > 65535) {
            throw new UsageException("port must be a number from 0 to 65535, got " + number);
        }
        int portNumber = (int) number;
        Optional<String> modelPath =
                Optional.ofNullable(model).map(String::strip).filter(m -> !m.isEmpty());
        long idleSeconds = positive("--idle-timeout", idle, 3600);
        long headerLimit = positive("--max-header-bytes", headerBytes, 1 << 20);
        long headerSeconds = positive("--header-timeout", headerTime, 3600);
        OptionalInt minBytesPerSecond = optional("--min-request-rate", minRate, 0, MAX_MIN_REQUEST_RATE);
        long graceSeconds = positive("--min-request-rate-grace", minRateGrace, 3600);
        OptionalInt minResponseBytesPerSecond =
                optional("--min-response-rate", minResponseRate, 0, MAX_MIN_REQUEST_RATE);
        OptionalInt streams = optional("--max-concurrent-streams", maxStreams, 1, MAX_MAX_CONCURRENT_STREAMS);
        OptionalInt drainSeconds = optional("--drain-seconds", drain, 0, 3600);
        OptionalInt grpcPortNumber = optional("--grpc-port", grpcPort, 0, 65535);
        if (grpcPortNumber.isPresent() && grpcPortNumber.getAsInt() != 0 && grpcPortNumber.getAsInt() == portNumber) {
            throw new UsageException(
                    "--grpc-port must be another port than --port (" + portNumber + "), which serves gRPC too");
        }
        OptionalInt probePortNumber = optional("--probe-port", probePort, 0, 65535);
        if (probePortNumber.isPresent()
                && probePortNumber.getAsInt() != 0
                && (probePortNumber.getAsInt() == portNumber || probePortNumber.equals(grpcPortNumber))) {
            throw new UsageException("--probe-port must be a port of its own, not --port's (" + portNumber + ")"
                    + grpcPortNumber.stream()
                            .mapToObj(grpc -> " or --grpc-port's (" + grpc + ")")
                            .findFirst()
                            .orElse(""));
        }
        Optional<String> directory = present(models);
        if (modelPath.isPresent() && directory.isPresent()) {
            throw new UsageException("--model (" + MODEL_VARIABLE + ") and --models (" + MODELS_VARIABLE
                    + ") are both given: serve one file, or every model in a directory");
        }
        if (modelPath.isPresent() && LauncherOptions.isStore(modelPath.get())) {
            String key = modelPath.get().strip();
            if (key.endsWith(".json") || key.endsWith(".ubj") || key.endsWith(".txt")) {
                // A name alone does not make an object a model (any JSON, any text), and one object is mirrored as
                // NAME.onnx at the cache's top, a layout served for ONNX files only: such a model serves from a prefix.
                throw new UsageException("--model (" + MODEL_VARIABLE + ") s3://... names one ONNX model object,"
                        + " s3://BUCKET/KEY.onnx; a model in its training library's own file (XGBoost's .json or"
                        + " .ubj, LightGBM's .txt) or an MLflow model serves from a prefix: put it at"
                        + " PREFIX/NAME/1/model.json (model.ubj, model.txt; or the MLflow model's files in"
                        + " PREFIX/NAME/1/) and serve --models s3://BUCKET/PREFIX");
            }
            if (!key.endsWith(".onnx")) {
                throw new UsageException("--model (" + MODEL_VARIABLE + ") s3://... names one model object,"
                        + " s3://BUCKET/KEY.onnx; serve every model under a prefix with --models s3://BUCKET/PREFIX");
            }
            // One object serves as a store's repository of that one model, named by its file, which the root routes
            // and the home page answer with; the web app opens it from --models' setting (KEY.onnx names one object).
            directory = modelPath;
            modelPath = Optional.empty();
        }
        Repository repository = new Repository(
                directory,
                optional("--poll-seconds", poll, 0, MAX_POLL_SECONDS),
                present(defaultModel),
                optional("--max-models", maxModels, 1, MAX_MAX_MODELS));
        return new LauncherOptions(
                host.strip(),
                portNumber,
                modelPath,
                help,
                Duration.ofSeconds(idleSeconds),
                (int) headerLimit,
                Duration.ofSeconds(headerSeconds),
                repository,
                minBytesPerSecond.orElse((int) DEFAULT_MIN_REQUEST_RATE),
                Duration.ofSeconds(graceSeconds),
                minResponseBytesPerSecond.orElse((int) DEFAULT_MIN_RESPONSE_RATE),
                streams.orElse(DEFAULT_MAX_CONCURRENT_STREAMS),
                webSettings,
                accessLogMask(webSettings, environment),
                drainSeconds.isPresent() ? Duration.ofSeconds(drainSeconds.getAsInt()) : DEFAULT_DRAIN_TIME,
                grpcPortNumber,
                probePortNumber,
                tls(present(tlsCert), present(tlsKey), present(tlsClientCa)));
    }

    /** HTTPS's files, when a certificate and its key are given; refused when only one of them is, or a CA alone. */
    private static Optional<LauncherOptions.Tls> tls(
            Optional<String> cert, Optional<String> key, Optional<String> clientCa) throws UsageException {
        if (cert.isPresent() != key.isPresent()) {
            throw new UsageException("--tls-cert and --tls-key (TABSERVE_TLS_CERT, TABSERVE_TLS_KEY) go together: the"
                    + " server's certificate chain and its key, each a PEM file");
        }
        if (cert.isEmpty()) {
            if (clientCa.isPresent()) {
                throw new UsageException("--tls-client-ca (TABSERVE_TLS_CLIENT_CA) asks clients for certificates over"
                        + " HTTPS: give the server's own with --tls-cert and --tls-key");
            }
            return Optional.empty();
        }
        return Optional.of(new LauncherOptions.Tls(
                java.nio.file.Path.of(cert.get()),
                java.nio.file.Path.of(key.get()),
                clientCa.map(java.nio.file.Path::of)));
    }

    /**
     * The prediction log's masked columns as the web app will resolve them (init-parameter, here the flag; then the
     * system property; then the environment), for the access log, which the launcher writes without the app.
     */
    private static Set<String> accessLogMask(Map<String, String> webSettings, Map<String, String> environment) {
        String text = webSettings.get(PREDICTION_LOG_MASK);
        if (text == null) {
            text = System.getProperty(PREDICTION_LOG_MASK);
        }
        if (text == null) {
            text = environment.get(PREDICTION_LOG_MASK_VARIABLE);
        }
        if (text == null) {
            return Set.of();
        }
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String name : text.split(",")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        return names;
    }

    private static Optional<String> present(String text) {
        return Optional.ofNullable(text).map(String::strip).filter(t -> !t.isEmpty());
    }

    /** A whole number from {@code min} to {@code max}, or empty when not given. */
    private static OptionalInt optional(String flag, String text, int min, int max) throws UsageException {
        if (text == null || text.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            long value = whole(text);
            if (value >= min && value <= max) {
                return OptionalInt.of((int) value);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(flag + " must be a whole number from " + min + " to " + max + ", got '" + text + "'");
    }

    /** The launcher's copy of {@code WholeNumbers.ASCII} (it may not import the model): a sign, then ASCII digits. */
    static final String WHOLE_NUMBER = "[+-]?[0-9]+";

    /**
     * A whole number as a flag or an environment value spells it: an optional sign and ASCII digits, as
     * {@code org.tabserve.model.WholeNumbers} reads the web app's settings ({@link Long#parseLong} alone would take a
     * full-width {@code ３０} too).
     *
     * @throws NumberFormatException otherwise, or beyond a long
     */
    private static long whole(String text) {
        String stripped = text.strip();
        if (!stripped.matches(WHOLE_NUMBER)) {
            throw new NumberFormatException("not ASCII digits: '" + text + "'");
        }
        return Long.parseLong(stripped);
    }

    private static long positive(String flag, String text, long max) throws UsageException {
        try {
            long value = whole(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(flag + " must be a whole number from 1 to " + max + ", got '" + text + "'");
    }
}
