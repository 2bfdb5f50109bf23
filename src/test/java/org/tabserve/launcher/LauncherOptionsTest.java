package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.tabserve.repository.RepositoryOptions;

class LauncherOptionsTest {

    /** Issue 39, item 8: the help named --model an "ONNX classifier" (regressors are served too). */
    @Test
    void theHelpSaysAModelMayBeAClassifierOrARegressorAndEndsItsLastLine() {
        assertTrue(
                LauncherUsage.TEXT.contains("--model FILE     ONNX model to serve, a classifier or a regressor"),
                LauncherUsage.TEXT);
        assertTrue(LauncherUsage.TEXT.endsWith("\n"), "the last line ends");
    }

    @Test
    void defaultsToLoopbackPort8080AndTheBundledModel() throws Exception {
        LauncherOptions options = LauncherArguments.parse(new String[0], Map.of());
        assertEquals(new LauncherOptions("127.0.0.1", 8080, Optional.empty(), false), options);
    }

    @Test
    void flagsWinOverEnvironmentVariables() throws Exception {
        Map<String, String> env =
                Map.of("TABSERVE_PORT", "9000", "TABSERVE_HOST", "0.0.0.0", "TABSERVE_MODEL", "/env.onnx");
        assertEquals(
                new LauncherOptions("0.0.0.0", 9000, Optional.of("/env.onnx"), false),
                LauncherArguments.parse(new String[0], env));
        assertEquals(
                new LauncherOptions("::1", 9100, Optional.of("/flag.onnx"), false),
                LauncherArguments.parse(new String[] {"--port", "9100", "--host=::1", "--model", "/flag.onnx"}, env));
    }

    @Test
    void idleTimeoutAndHeaderLimitDefaultTo30SecondsAnd8KiBAndComeFromFlagsOrEnvironment() throws Exception {
        LauncherOptions defaults = LauncherArguments.parse(new String[0], Map.of());
        assertEquals(java.time.Duration.ofSeconds(30), defaults.idleTimeout());
        assertEquals(8192, defaults.maxHeaderBytes());
        Map<String, String> env = Map.of("TABSERVE_IDLE_TIMEOUT", "5", "TABSERVE_MAX_HEADER_BYTES", "4096");
        assertEquals(
                java.time.Duration.ofSeconds(5),
                LauncherArguments.parse(new String[0], env).idleTimeout());
        assertEquals(4096, LauncherArguments.parse(new String[0], env).maxHeaderBytes());
        LauncherOptions flags =
                LauncherArguments.parse(new String[] {"--idle-timeout", "2", "--max-header-bytes=16384"}, env);
        assertEquals(java.time.Duration.ofSeconds(2), flags.idleTimeout());
        assertEquals(16384, flags.maxHeaderBytes());
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--idle-timeout", "0"}, Map.of()));
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--max-header-bytes", "x"}, Map.of()));
    }

    @Test
    void drainDefaultsTo5SecondsTakesZeroAndComesFromTheFlagOrTheEnvironment() throws Exception {
        assertEquals(
                java.time.Duration.ofSeconds(5),
                LauncherArguments.parse(new String[0], Map.of()).drainTime());
        Map<String, String> env = Map.of("TABSERVE_DRAIN_SECONDS", "0");
        assertEquals(
                java.time.Duration.ZERO,
                LauncherArguments.parse(new String[0], env).drainTime());
        assertEquals(
                java.time.Duration.ofSeconds(20),
                LauncherArguments.parse(new String[] {"--drain-seconds", "20"}, env)
                        .drainTime());
        LauncherOptions.UsageException negative = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--drain-seconds=-1"}, Map.of()));
        assertEquals("--drain-seconds must be a whole number from 0 to 3600, got '-1'", negative.getMessage());
    }

    @Test
    void numbersAreAsciiDigitsOnlyInEveryFlagAndEnvironmentValue() {
        // Issue 47, item 14: --drain-seconds took a full-width '３０' as 30 (Integer.parseInt reads any script's digits).
        LauncherOptions.UsageException flag = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--drain-seconds", "３０"}, Map.of()));
        assertEquals("--drain-seconds must be a whole number from 0 to 3600, got '３０'", flag.getMessage());
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[0], Map.of("TABSERVE_DRAIN_SECONDS", "３０")));
        for (String[] args : new String[][] {
            {"--port", "８０８０"},
            {"--idle-timeout", "٣"},
            {"--max-header-bytes", "８１９２"},
            {"--grpc-port", "９０００"},
            {"--max-concurrent-streams", "３"},
            {"--min-request-rate", "１０２４"},
            {"--header-timeout", "３"}
        }) {
            assertThrows(
                    LauncherOptions.UsageException.class,
                    () -> LauncherArguments.parse(args, Map.of()),
                    String.join(" ", args));
        }
    }

    @Test
    void headerTimeoutDefaultsTo20SecondsAndComesFromTheFlagOrTheEnvironment() throws Exception {
        assertEquals(
                java.time.Duration.ofSeconds(20),
                LauncherArguments.parse(new String[0], Map.of()).headerTimeout());
        Map<String, String> env = Map.of("TABSERVE_HEADER_TIMEOUT", "7");
        assertEquals(
                java.time.Duration.ofSeconds(7),
                LauncherArguments.parse(new String[0], env).headerTimeout());
        assertEquals(
                java.time.Duration.ofSeconds(3),
                LauncherArguments.parse(new String[] {"--header-timeout=3"}, env)
                        .headerTimeout());
        LauncherOptions.UsageException zero = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--header-timeout", "0"}, Map.of()));
        assertTrue(zero.getMessage().contains("--header-timeout"), zero.getMessage());
    }

    @Test
    void theMinimumBodyRateDefaultsTo1024BytesASecondAfter10SecondsAndComesFromTheFlagOrTheEnvironment()
            throws Exception {
        LauncherOptions defaults = LauncherArguments.parse(new String[0], Map.of());
        assertEquals(1024, defaults.minRequestRate());
        assertEquals(java.time.Duration.ofSeconds(10), defaults.minRequestRateGrace());
        Map<String, String> env = Map.of("TABSERVE_MIN_REQUEST_RATE", "500", "TABSERVE_MIN_REQUEST_RATE_GRACE", "30");
        LauncherOptions fromEnv = LauncherArguments.parse(new String[0], env);
        assertEquals(500, fromEnv.minRequestRate());
        assertEquals(java.time.Duration.ofSeconds(30), fromEnv.minRequestRateGrace());
        LauncherOptions flags =
                LauncherArguments.parse(new String[] {"--min-request-rate=0", "--min-request-rate-grace", "2"}, env);
        assertEquals(0, flags.minRequestRate(), "0 turns the minimum off");
        assertEquals(java.time.Duration.ofSeconds(2), flags.minRequestRateGrace());
        LauncherOptions.UsageException negative = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--min-request-rate", "-1"}, Map.of()));
        assertTrue(negative.getMessage().contains("--min-request-rate"), negative.getMessage());
        LauncherOptions.UsageException noGrace = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--min-request-rate-grace", "0"}, Map.of()));
        assertTrue(noGrace.getMessage().contains("--min-request-rate-grace"), noGrace.getMessage());
    }

    @Test
    void theMinimumResponseRateAndTheStreamsPerConnectionHaveDefaultsAFlagAndAVariable() throws Exception {
        LauncherOptions defaults = LauncherArguments.parse(new String[0], Map.of());
        assertEquals(1024, defaults.minResponseRate());
        assertEquals(32, defaults.maxConcurrentStreams());
        Map<String, String> env = Map.of("TABSERVE_MIN_RESPONSE_RATE", "500", "TABSERVE_MAX_CONCURRENT_STREAMS", "8");
        LauncherOptions fromEnv = LauncherArguments.parse(new String[0], env);
        assertEquals(500, fromEnv.minResponseRate());
        assertEquals(8, fromEnv.maxConcurrentStreams());
        LauncherOptions flags =
                LauncherArguments.parse(new String[] {"--min-response-rate=0", "--max-concurrent-streams", "100"}, env);
        assertEquals(0, flags.minResponseRate(), "0 turns the minimum off");
        assertEquals(100, flags.maxConcurrentStreams());
        for (String[] bad : new String[][] {
            {"--max-concurrent-streams", "0"}, {"--max-concurrent-streams", "129"}, {"--min-response-rate", "-1"}
        }) {
            LauncherOptions.UsageException refused =
                    assertThrows(LauncherOptions.UsageException.class, () -> LauncherArguments.parse(bad, Map.of()));
            assertTrue(refused.getMessage().contains(bad[0]), refused.getMessage());
        }
    }

    @Test
    void theGrpcPortIsOffByDefaultAndTakenFromAFlagOrAVariableButNeverTheSharedPort() throws Exception {
        assertTrue(LauncherArguments.parse(new String[0], Map.of()).grpcPort().isEmpty());
        Map<String, String> env = Map.of("TABSERVE_GRPC_PORT", "9001");
        assertEquals(
                9001, LauncherArguments.parse(new String[0], env).grpcPort().getAsInt());
        assertEquals(
                9002,
                LauncherArguments.parse(new String[] {"--grpc-port=9002"}, env)
                        .grpcPort()
                        .getAsInt());
        assertEquals(
                0,
                LauncherArguments.parse(new String[] {"--port", "0", "--grpc-port", "0"}, Map.of())
                        .grpcPort()
                        .getAsInt(),
                "both may pick a free port");
        for (String[] bad : new String[][] {
            {"--grpc-port", "-1"},
            {"--grpc-port", "65536"},
            {"--grpc-port", "x"},
            {"--grpc-port", "8080"},
            {"--port", "9000", "--grpc-port", "9000"},
            {"--grpc-port"}
        }) {
            LauncherOptions.UsageException refused =
                    assertThrows(LauncherOptions.UsageException.class, () -> LauncherArguments.parse(bad, Map.of()));
            assertTrue(refused.getMessage().contains("--grpc-port"), refused.getMessage());
        }
    }

    @Test
    void theProbePortIsOffByDefaultAndTakenFromAFlagOrAVariableButNeverAnotherPortOfTheServer() throws Exception {
        assertTrue(LauncherArguments.parse(new String[0], Map.of()).probePort().isEmpty());
        Map<String, String> env = Map.of("TABSERVE_PROBE_PORT", "9011");
        assertEquals(
                9011, LauncherArguments.parse(new String[0], env).probePort().getAsInt());
        assertEquals(
                9012,
                LauncherArguments.parse(new String[] {"--probe-port=9012"}, env)
                        .probePort()
                        .getAsInt());
        assertEquals(
                0,
                LauncherArguments.parse(new String[] {"--port", "0", "--grpc-port", "0", "--probe-port", "0"}, Map.of())
                        .probePort()
                        .getAsInt(),
                "every port may be a free one");
        for (String[] bad : new String[][] {
            {"--probe-port", "-1"},
            {"--probe-port", "65536"},
            {"--probe-port", "x"},
            {"--probe-port", "8080"},
            {"--port", "9000", "--probe-port", "9000"},
            {"--grpc-port", "9001", "--probe-port", "9001"},
            {"--probe-port"}
        }) {
            LauncherOptions.UsageException refused =
                    assertThrows(LauncherOptions.UsageException.class, () -> LauncherArguments.parse(bad, Map.of()));
            assertTrue(refused.getMessage().contains("--probe-port"), refused.getMessage());
        }
    }

    @Test
    void theSharedStateIsPassedOnAsTheWebAppsSetting() throws Exception {
        assertEquals(
                Map.of("tabserve.shared-state", "redis://127.0.0.1:6379"),
                LauncherArguments.parse(new String[] {"--shared-state", "redis://127.0.0.1:6379"}, Map.of())
                        .webSettings());
        assertEquals(
                Map.of("tabserve.shared-state", "redis://:pw@r:1"),
                LauncherArguments.parse(new String[] {"--shared-state=redis://:pw@r:1"}, Map.of())
                        .webSettings());
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--shared-state"}, Map.of()));
    }

    @Test
    void theFeedbackTokenFlagIsPassedToTheAppAsItsSettingAndHelpNamesItsVariable() throws Exception {
        assertEquals(
                Map.of("tabserve.feedback-token", "labels-0123456789abcdef"),
                LauncherArguments.parse(new String[] {"--feedback-token", "labels-0123456789abcdef"}, Map.of())
                        .webSettings());
        assertEquals(
                Map.of("tabserve.feedback-token", "t"),
                LauncherArguments.parse(new String[] {"--feedback-token=t"}, Map.of())
                        .webSettings(),
                "the app checks its length");
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--feedback-token"}, Map.of()));
        assertTrue(
                LauncherUsage.TEXT.lines().anyMatch(line -> line.endsWith("env TABSERVE_FEEDBACK_TOKEN")),
                LauncherUsage.TEXT);
    }

    @Test
    void theOpenFeedbackSwitchIsPassedToTheAppAsItsSettingAndHelpNamesItsVariable() throws Exception {
        assertEquals(
                Map.of("tabserve.open-feedback", "true"),
                LauncherArguments.parse(new String[] {"--open-feedback"}, Map.of())
                        .webSettings());
        assertEquals(
                Map.of("tabserve.open-feedback", "false"),
                LauncherArguments.parse(new String[] {"--open-feedback=false"}, Map.of())
                        .webSettings());
        assertTrue(
                LauncherUsage.TEXT.lines().anyMatch(line -> line.endsWith("env TABSERVE_OPEN_FEEDBACK=true")),
                LauncherUsage.TEXT);
    }

    @Test
    void helpIsAnsweredWhateverElseIsGiven() throws Exception {
        assertTrue(LauncherArguments.parse(new String[] {"--port", "1", "--help"}, Map.of())
                .help());
    }

    @Test
    void helpListsTheCommandsWithHowToGetTheirOwnHelp() {
        for (String command : org.tabserve.cli.Commands.NAMES) {
            assertTrue(LauncherUsage.TEXT.contains("java -jar tabserve.war " + command + " --model"), command);
            assertTrue(
                    LauncherUsage.TEXT.lines().anyMatch(line -> line.startsWith("  " + command + " ")),
                    () -> command + " has its line:\n" + LauncherUsage.TEXT);
        }
        assertTrue(LauncherUsage.TEXT.contains("java -jar tabserve.war card --help"), LauncherUsage.TEXT);
    }

    @Test
    void helpNamesEveryLimitThatA413Names() {
        for (String setting : java.util.List.of(
                org.tabserve.web.http.WebConfig.MAX_BODY_BYTES,
                org.tabserve.web.http.WebConfig.MAX_BATCH_ROWS,
                org.tabserve.web.http.WebConfig.MAX_UPLOAD_BYTES,
                org.tabserve.web.http.WebConfig.MAX_CSV_ROWS,
                org.tabserve.web.http.WebConfig.MAX_ERROR_ROWS)) {
            String variable =
                    setting.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
            assertTrue(
                    LauncherUsage.TEXT
                            .lines()
                            .anyMatch(line -> line.contains(setting + " ") && line.endsWith("env " + variable)),
                    () -> setting + ":\n" + LauncherUsage.TEXT);
        }
        assertTrue(LauncherUsage.TEXT.contains("-Xmx"), LauncherUsage.TEXT);
    }

    @Test
    void refusesBadPortsUnknownFlagsAndMissingValuesWithAUsableMessage() {
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--port", "http"}, Map.of()));
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--port", "70000"}, Map.of()));
        assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[0], Map.of("TABSERVE_PORT", "-1")));
        LauncherOptions.UsageException unknown = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--verbose"}, Map.of()));
        assertTrue(unknown.getMessage().contains("--verbose"));
        LauncherOptions.UsageException missing = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--model"}, Map.of()));
        assertTrue(missing.getMessage().contains("--model needs a value"));
    }

    @Test
    void repositoryFlagsWinOverTheirVariablesAndAreLeftEmptyWhenNotGiven() throws Exception {
        assertEquals(
                LauncherOptions.Repository.NONE,
                LauncherArguments.parse(new String[0], Map.of()).repository());
        Map<String, String> env = Map.of(
                "TABSERVE_MODELS",
                "/env/models",
                "TABSERVE_POLL_SECONDS",
                "5",
                "TABSERVE_DEFAULT_MODEL",
                "iris",
                "TABSERVE_MAX_MODELS",
                "20");
        assertEquals(
                new LauncherOptions.Repository(
                        Optional.of("/env/models"), OptionalInt.of(5), Optional.of("iris"), OptionalInt.of(20)),
                LauncherArguments.parse(new String[0], env).repository());
        LauncherOptions flags = LauncherArguments.parse(
                new String[] {
                    "--models", "/flag/models", "--poll-seconds=0", "--default-model", "banknote", "--max-models=3"
                },
                env);
        assertEquals(
                new LauncherOptions.Repository(
                        Optional.of("/flag/models"), OptionalInt.of(0), Optional.of("banknote"), OptionalInt.of(3)),
                flags.repository());
    }

    @Test
    void refusesRepositoryValuesOutOfRangeAndAFileWithADirectory() {
        for (String[] args : new String[][] {
            {"--poll-seconds", "-1"},
            {"--poll-seconds", "soon"},
            {"--poll-seconds", "86401"},
            {"--max-models", "0"},
            {"--max-models", "100001"}
        }) {
            LauncherOptions.UsageException e = assertThrows(
                    LauncherOptions.UsageException.class,
                    () -> LauncherArguments.parse(args, Map.of()),
                    String.join(" ", args));
            assertTrue(e.getMessage().startsWith(args[0] + " must be a whole number"), e.getMessage());
        }
        for (String file : List.of("notes.json", "notes.ubj", "penguins.txt")) {
            LauncherOptions.UsageException own = assertThrows(
                    LauncherOptions.UsageException.class,
                    () -> LauncherArguments.parse(new String[] {"--model", "s3://models/prod/" + file}, Map.of()));
            assertTrue(
                    own.getMessage().contains("PREFIX/NAME/1/model.json")
                            && own.getMessage().contains("--models s3://BUCKET/PREFIX"),
                    own.getMessage());
        }
        LauncherOptions.UsageException both = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--models", "/m"}, Map.of("TABSERVE_MODEL", "/one.onnx")));
        assertTrue(both.getMessage().contains("--model (TABSERVE_MODEL) and --models"), both.getMessage());
    }

    @Test
    void passesTheRepositorySettingsGivenAsTheNamesTheWebAppReads() throws Exception {
        LauncherOptions options = LauncherArguments.parse(
                new String[] {
                    "--models", "models", "--poll-seconds", "2", "--default-model", "iris", "--max-models", "7"
                },
                Map.of());
        assertEquals(
                Map.of(
                        RepositoryOptions.DIRECTORY,
                        Path.of("models").toAbsolutePath().toString(),
                        RepositoryOptions.POLL_SECONDS,
                        "2",
                        RepositoryOptions.DEFAULT_MODEL,
                        "iris",
                        RepositoryOptions.MAX_MODELS,
                        "7"),
                EmbeddedServer.initParameters(options));
        assertEquals(
                Map.of(),
                EmbeddedServer.initParameters(LauncherArguments.parse(new String[0], Map.of())),
                "nothing given, nothing passed: the app's defaults apply");
    }

    @Test
    void passesTheMinimumBodyRateGivenToTheAppWhichReadsBodiesAheadByIt() throws Exception {
        LauncherOptions options = LauncherArguments.parse(
                new String[] {"--min-request-rate", "4096", "--min-request-rate-grace", "3"}, Map.of());
        assertEquals(
                Map.of(
                        EmbeddedServer.MIN_REQUEST_RATE_PARAMETER, "4096",
                        EmbeddedServer.MIN_REQUEST_RATE_GRACE_PARAMETER, "3"),
                EmbeddedServer.initParameters(options));
    }

    @Test
    void anObjectStoreLocationIsPassedAsItIs() throws Exception {
        LauncherOptions options = LauncherArguments.parse(
                new String[] {"--models", "s3://models/prod", "--s3-endpoint", "http://127.0.0.1:9000"}, Map.of());
        Map<String, String> parameters = EmbeddedServer.initParameters(options);
        assertEquals("s3://models/prod", parameters.get(EmbeddedServer.MODELS_PARAMETER), "not made a local path");
        assertEquals("http://127.0.0.1:9000", parameters.get("tabserve.s3-endpoint"));
    }

    @Test
    void oneModelObjectIsServedAsAStoreOfOneModelAndAPrefixIsRefusedToModel() throws Exception {
        for (LauncherOptions options : List.of(
                LauncherArguments.parse(
                        new String[] {"--model", "s3://models/prod/banknote.onnx", "--poll-seconds", "30"}, Map.of()),
                LauncherArguments.parse(
                        new String[] {"--poll-seconds", "30"},
                        Map.of(LauncherOptions.MODEL_VARIABLE, "s3://models/prod/banknote.onnx")))) {
            Map<String, String> parameters = EmbeddedServer.initParameters(options);
            assertEquals(
                    "s3://models/prod/banknote.onnx",
                    parameters.get(EmbeddedServer.MODELS_PARAMETER),
                    "the web app opens it as a store's location, not a local path");
            assertFalse(parameters.containsKey(EmbeddedServer.MODEL_PARAMETER), "no local file to load ahead");
            assertEquals("30", parameters.get(EmbeddedServer.POLL_SECONDS_PARAMETER));
        }
        LauncherOptions.UsageException prefix = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(new String[] {"--model", "s3://models/prod"}, Map.of()));
        assertTrue(
                prefix.getMessage().contains("s3://BUCKET/KEY.onnx")
                        && prefix.getMessage().contains("--models s3://BUCKET/PREFIX"),
                prefix.getMessage());
        LauncherOptions.UsageException both = assertThrows(
                LauncherOptions.UsageException.class,
                () -> LauncherArguments.parse(
                        new String[] {"--model", "s3://models/prod/banknote.onnx", "--models", "/srv/models"},
                        Map.of()));
        assertTrue(both.getMessage().contains("are both given"), both.getMessage());
    }
}
