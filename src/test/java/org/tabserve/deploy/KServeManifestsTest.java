package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tabserve.repository.RepositoryOptions;
import org.tabserve.web.http.WebConfig;

/**
 * deploy/kserve/ holds what KServe needs to run tabserve: each file parses, carries the fields KServe's resources
 * require, the runtimes run the image as it starts (its Jetty base) with settings the web app reads from the
 * environment, and the InferenceServices and TrainedModels point at runtimes that can take them.
 */
class KServeManifestsTest {

    static final Path DIR = Path.of("deploy", "kserve");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /**
     * KServe fills {{.Name}} in a runtime's container with the InferenceService's name (it templates the whole
     * container spec, env included: kserve/kserve pkg/controller/v1beta1/inferenceservice/utils/utils.go,
     * ReplacePlaceholders); this stands in for one.
     */
    static final String SAMPLE_NAME = "banknote";
    /** The storage schemes KServe's storage initializer and model agent download from (its SupportedStorageURIPrefixList). */
    static final List<String> STORAGE_SCHEMES =
            List.of("gs://", "s3://", "pvc://", "file://", "https://", "http://", "hdfs://", "webhdfs://", "oci://");
    /** What KServe's TrainedModel webhook accepts as a name. */
    static final Pattern TRAINED_MODEL_NAME = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    /** Every document of every YAML file in deploy/kserve/, in file order. */
    static List<JsonNode> documents() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> it =
                        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (it.hasNext()) {
                        JsonNode document = it.next();
                        if (document != null && !document.isEmpty()) {
                            documents.add(document);
                        }
                    }
                }
            }
        }
        return documents;
    }

    static List<JsonNode> ofKind(String... kinds) throws IOException {
        List<String> wanted = List.of(kinds);
        return documents().stream()
                .filter(d -> wanted.contains(d.path("kind").asText()))
                .toList();
    }

    static JsonNode runtime(String name) throws IOException {
        return ofKind("ServingRuntime", "ClusterServingRuntime").stream()
                .filter(r -> r.path("metadata").path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError("no ServingRuntime or ClusterServingRuntime named " + name + " in " + DIR));
    }

    static boolean multiModel(JsonNode runtime) {
        return runtime.path("spec").path("multiModel").asBoolean(false);
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /**
     * The runtime container's environment as KServe hands it over: {{.Name}} filled in, the one placeholder the
     * runtimes use (any other would reach the container as it is written).
     */
    static Map<String, String> environment(JsonNode container) {
        Map<String, String> environment = new LinkedHashMap<>();
        container.path("env").forEach(variable -> {
            String value = variable.path("value").asText().replace("{{.Name}}", SAMPLE_NAME);
            assertFalse(value.contains("{{"), "a placeholder KServe fills that the tests do not: " + value);
            environment.put(variable.path("name").asText(), value);
        });
        return environment;
    }

    /** The web app's settings as it resolves them in any container, from the runtime container's environment alone. */
    static WebConfig settings(JsonNode container) {
        return settings(environment(container));
    }

    private static WebConfig settings(Map<String, String> environment) {
        return WebConfig.resolve(key -> null, key -> null, environment);
    }

    /**
     * The container runs the image as it starts, with no command or args of its own: the image's ENTRYPOINT and CMD,
     * its Jetty base (deploy/entrypoint.sh, the Jetty image's docker-entrypoint.sh, jetty.start), which serves REST
     * and gRPC on the port the image exposes, on every interface (deploy/jetty-base.sh sets neither
     * {@code jetty.http.port} nor {@code jetty.http.host}: Jetty's defaults, 8080 and all of them).
     *
     * @return that port
     */
    static int imagesPort(JsonNode container, String name) throws IOException {
        assertTrue(
                container.path("command").isMissingNode()
                        && container.path("args").isMissingNode(),
                name + ": no command or args, so that the image's ENTRYPOINT and CMD start its Jetty base: "
                        + container);
        String script = Files.readString(Path.of("deploy", "jetty-base.sh"));
        assertFalse(script.contains("jetty.http.port=") || script.contains("jetty.http.host="), "Jetty's defaults");
        return Integer.parseInt(group(Files.readString(Path.of("Dockerfile")), "(?m)^EXPOSE (\\d+)$"));
    }

    @Test
    void everyDocumentIsAKServeOrKubernetesResourceWithAName() throws IOException {
        List<JsonNode> documents = documents();
        assertTrue(documents.size() >= 5, "two runtimes, two InferenceServices, TrainedModels: " + documents.size());
        for (JsonNode document : documents) {
            String kind = document.path("kind").asText();
            String expected = switch (kind) {
                case "ServingRuntime", "ClusterServingRuntime", "TrainedModel" -> "serving.kserve.io/v1alpha1";
                case "InferenceService" -> "serving.kserve.io/v1beta1";
                default -> null;
            };
            assertTrue(expected != null, "a kind KServe serves models with, not '" + kind + "'");
            assertEquals(expected, document.path("apiVersion").asText(), kind);
            assertFalse(document.path("metadata").path("name").asText().isBlank(), kind + " without metadata.name");
        }
    }

    @Test
    void runtimesServeOnnxOverV2FromTheImagesJettyBaseWithSettingsTheWebAppReads() throws IOException {
        List<JsonNode> runtimes = ofKind("ServingRuntime", "ClusterServingRuntime");
        assertTrue(runtimes.stream().anyMatch(r -> !multiModel(r)), "a runtime for one model per InferenceService");
        assertTrue(runtimes.stream().anyMatch(KServeManifestsTest::multiModel), "a runtime for TrainedModels");
        for (JsonNode runtime : runtimes) {
            String name = runtime.path("metadata").path("name").asText();
            JsonNode spec = runtime.path("spec");
            assertTrue(
                    spec.path("supportedModelFormats").findValuesAsText("name").contains("onnx"), name);
            assertTrue(strings(spec.path("protocolVersions")).contains("v2"), name);
            assertEquals(1, spec.path("containers").size(), name);
            JsonNode container = spec.path("containers").get(0);
            assertEquals("kserve-container", container.path("name").asText(), "the name KServe looks for: " + name);
            assertFalse(container.path("image").asText().isBlank(), name);

            Map<String, String> environment = environment(container);
            WebConfig settings = settings(environment); // a value it refuses throws
            assertEquals(
                    Optional.of(Path.of("/mnt/models")),
                    settings.repository().flatMap(RepositoryOptions::directory),
                    name + ": serves the directory KServe's storage initializer and model agent fill");
            // Each TABSERVE_ variable is one the web app reads: without it, it resolves other settings (a misspelt
            // name would be ignored in silence).
            environment.keySet().stream()
                    .filter(variable -> variable.startsWith("TABSERVE_"))
                    .forEach(variable -> {
                        Map<String, String> without = new LinkedHashMap<>(environment);
                        without.remove(variable);
                        assertNotEquals(settings, settings(without), name + ": the web app reads no " + variable);
                    });
            assertEquals(8080, imagesPort(container, name), name + ": KServe's default container port");
            assertEquals(
                    8080, container.path("ports").get(0).path("containerPort").asInt(), name);
        }
    }

    /**
     * gRPC is declared as KServe documents it, on the one port that serves REST too (KServe exposes one port per
     * predictor): {@code grpc-v2} among the protocol versions, and the port named {@code h2c}, so that Knative proxies
     * to it over HTTP/2 cleartext, which tabserve takes by prior knowledge for every route (GrpcLauncherIT,
     * KServeRuntimeIT's gRPC call on the runtime's own command).
     */
    @Test
    void runtimesDeclareGrpcV2OnTheOnePortNamedH2c() throws IOException {
        for (JsonNode runtime : ofKind("ServingRuntime", "ClusterServingRuntime")) {
            String name = runtime.path("metadata").path("name").asText();
            assertEquals(List.of("v2", "grpc-v2"), strings(runtime.path("spec").path("protocolVersions")), name);
            JsonNode container = runtime.path("spec").path("containers").get(0);
            assertEquals(1, container.path("ports").size(), name + ": KServe exposes one port per predictor");
            JsonNode port = container.path("ports").get(0);
            assertEquals("h2c", port.path("name").asText(), name + ": Knative speaks HTTP/2 to a port named h2c");
            assertEquals("TCP", port.path("protocol").asText("TCP"), name);
            assertEquals(
                    imagesPort(container, name),
                    port.path("containerPort").asInt(),
                    name + ": the port the image's Jetty base serves REST and gRPC on (its tabserve-h2c module)");
            assertTrue(
                    container.path("env").findValues("value").stream()
                            .anyMatch(v -> v.asText().contains("-XX:+ExitOnOutOfMemoryError")),
                    name);
        }
    }

    @Test
    void theOneModelRuntimeAnswersTheRootRoutesWithTheInferenceServicesModelAndIsReadyWithIt() throws IOException {
        for (JsonNode runtime : ofKind("ServingRuntime", "ClusterServingRuntime")) {
            if (multiModel(runtime)) {
                continue;
            }
            JsonNode container = runtime.path("spec").path("containers").get(0);
            assertTrue(
                    container.path("env").findValuesAsText("value").contains("{{.Name}}"),
                    "KServe's model name is passed on");
            assertEquals(
                    Optional.of(SAMPLE_NAME),
                    settings(container).repository().flatMap(RepositoryOptions::defaultModel));
            assertEquals(
                    "/v2/health/ready",
                    container
                            .path("readinessProbe")
                            .path("httpGet")
                            .path("path")
                            .asText());
        }
    }

    /**
     * The multi-model pod starts with an empty /mnt/models and KServe adds TrainedModels only once the
     * InferenceService is ready, so its readiness must not wait for a model; and it must follow the directory itself,
     * as the model agent's load and unload calls carry no admin token.
     */
    @Test
    void theMultiModelRuntimeFollowsTheDirectoryAndIsReadyWhileItIsEmpty() throws IOException {
        for (JsonNode runtime : ofKind("ServingRuntime", "ClusterServingRuntime")) {
            if (!multiModel(runtime)) {
                continue;
            }
            JsonNode container = runtime.path("spec").path("containers").get(0);
            WebConfig settings = settings(container);
            RepositoryOptions repository = settings.repository().orElseThrow();
            assertTrue(!repository.pollInterval().isZero(), "TABSERVE_POLL_SECONDS: the agent may not call load");
            assertTrue(repository.defaultModel().isEmpty(), "no one model is the InferenceService's");
            assertTrue(settings.adminLoopback(), "the agent's load and unload come from loopback without a token");
            assertNotEquals(
                    "/v2/health/ready",
                    container
                            .path("readinessProbe")
                            .path("httpGet")
                            .path("path")
                            .asText());
        }
    }

    @Test
    void runtimesProbeTheAppAndRunWithLeastPrivilege() throws IOException {
        for (JsonNode runtime : ofKind("ServingRuntime", "ClusterServingRuntime")) {
            String name = runtime.path("metadata").path("name").asText();
            JsonNode container = runtime.path("spec").path("containers").get(0);
            assertTrue(
                    container
                            .path("readinessProbe")
                            .path("httpGet")
                            .path("path")
                            .asText()
                            .startsWith("/v2/health/"),
                    name);
            assertEquals(
                    "/health/live",
                    container.path("livenessProbe").path("httpGet").path("path").asText(),
                    name);
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                assertEquals(
                        8080, container.path(probe).path("httpGet").path("port").asInt(), name + " " + probe);
            }
            // Jetty stops listening on SIGTERM: the pod serves on while the proxies learn it is going, as the
            // Deployments' pods do (the launcher's drain is not in the Jetty base).
            assertEquals(
                    List.of("sleep", "5"),
                    strings(container
                            .path("lifecycle")
                            .path("preStop")
                            .path("exec")
                            .path("command")),
                    name + ": preStop");
            JsonNode security = container.path("securityContext");
            assertTrue(security.path("runAsNonRoot").asBoolean(), name);
            assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), name);
            assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), name);
            assertEquals(List.of("ALL"), strings(security.path("capabilities").path("drop")), name);
            assertFalse(
                    container.path("resources").path("limits").path("memory").isMissingNode(), name);
            assertFalse(
                    container.path("resources").path("requests").path("memory").isMissingNode(), name);
            // A read-only root needs a writable java.io.tmpdir (/tmp/jetty): an emptyDir at /tmp.
            JsonNode tmp = container.path("volumeMounts").findParents("mountPath").stream()
                    .filter(m -> m.path("mountPath").asText().equals("/tmp"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + ": no volume at /tmp"));
            assertTrue(
                    runtime.path("spec").path("volumes").findParents("name").stream()
                            .anyMatch(v -> v.path("name")
                                            .asText()
                                            .equals(tmp.path("name").asText())
                                    && v.has("emptyDir")),
                    name);
        }
    }

    @Test
    void inferenceServicesNameARuntimeThatTakesTheirFormatProtocolAndStorage() throws IOException {
        List<JsonNode> services = ofKind("InferenceService");
        assertTrue(services.size() >= 2, "a one-model and a multi-model example");
        for (JsonNode service : services) {
            String name = service.path("metadata").path("name").asText();
            servableName(name);
            JsonNode model = service.path("spec").path("predictor").path("model");
            JsonNode runtime = runtime(model.path("runtime").asText());
            String format = model.path("modelFormat").path("name").asText();
            assertEquals("onnx", format, name);
            assertTrue(
                    runtime.path("spec")
                            .path("supportedModelFormats")
                            .findValuesAsText("name")
                            .contains(format),
                    name);
            // Without protocolVersion KServe assumes v1 and never picks a v2-only runtime.
            assertEquals("v2", model.path("protocolVersion").asText(), name);
            assertTrue(strings(runtime.path("spec").path("protocolVersions")).contains("v2"), name);
            // KServe treats a predictor without a storageUri as multi-model: it must be one exactly then.
            assertEquals(
                    multiModel(runtime),
                    model.path("storageUri").isMissingNode(),
                    name + ": a storageUri on a one-model runtime, none on a multi-model one");
            if (!multiModel(runtime)) {
                storageUri(name, model.path("storageUri").asText());
            }
        }
    }

    @Test
    void trainedModelsGoOnAMultiModelInferenceServiceAndFitItsMemory() throws IOException {
        List<JsonNode> trained = ofKind("TrainedModel");
        assertTrue(trained.size() >= 2, "a multi-model example has two or more models");
        Map<String, JsonNode> services = new java.util.HashMap<>();
        ofKind("InferenceService")
                .forEach(s -> services.put(s.path("metadata").path("name").asText(), s));
        Map<String, Long> memory = new java.util.HashMap<>();
        for (JsonNode model : trained) {
            String name = model.path("metadata").path("name").asText();
            assertTrue(TRAINED_MODEL_NAME.matcher(name).matches(), "KServe's TrainedModel name rule: " + name);
            servableName(name);
            JsonNode spec = model.path("spec");
            String parent = spec.path("inferenceService").asText();
            JsonNode service = services.get(parent);
            assertTrue(service != null, name + ": spec.inferenceService names one of " + services.keySet());
            JsonNode runtime = runtime(service.path("spec")
                    .path("predictor")
                    .path("model")
                    .path("runtime")
                    .asText());
            assertTrue(multiModel(runtime), name + ": its InferenceService runs on a multiModel runtime");
            String framework = spec.path("model")
                    .path("framework")
                    .asText(spec.path("model").path("modelFormat").path("name").asText());
            assertEquals("onnx", framework, name + ": spec.model.framework");
            storageUri(name, spec.path("model").path("storageUri").asText());
            memory.merge(parent, bytes(spec.path("model").path("memory").asText()), Long::sum);
        }
        // KServe places TrainedModels only while the sum of their memory fits the predictor's memory limit.
        memory.forEach((parent, total) -> {
            String limit = services.get(parent)
                    .path("spec")
                    .path("predictor")
                    .path("model")
                    .path("resources")
                    .path("limits")
                    .path("memory")
                    .asText();
            assertTrue(
                    total <= bytes(limit), parent + ": TrainedModels ask " + total + " bytes, the limit is " + limit);
        });
    }

    /** The name is one tabserve serves a model under (the web app's own check, through its settings). */
    static void servableName(String name) {
        Map<String, String> settings =
                Map.of(RepositoryOptions.DIRECTORY, "/mnt/models", RepositoryOptions.DEFAULT_MODEL, name);
        try {
            RepositoryOptions.resolve(key -> Optional.ofNullable(settings.get(key)));
        } catch (IllegalArgumentException e) {
            fail(name + " is not a name tabserve serves a model under: " + e.getMessage());
        }
    }

    static void storageUri(String owner, String uri) {
        assertTrue(
                STORAGE_SCHEMES.stream().anyMatch(uri::startsWith),
                owner + ": storageUri '" + uri + "' has none of the schemes KServe downloads from " + STORAGE_SCHEMES);
    }

    /** A Kubernetes memory quantity ({@code 64Mi}, {@code 1Gi}, {@code 512M}, plain bytes) in bytes. */
    static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(quantity.strip());
        assertTrue(m.matches(), "not a memory quantity: '" + quantity + "'");
        long value = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return value
                * switch (unit) {
                    case "Ki" -> 1L << 10;
                    case "Mi" -> 1L << 20;
                    case "Gi" -> 1L << 30;
                    case "Ti" -> 1L << 40;
                    case "k" -> 1_000L;
                    case "M" -> 1_000_000L;
                    case "G" -> 1_000_000_000L;
                    case "T" -> 1_000_000_000_000L;
                    default -> 1L;
                };
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return m.group(1);
    }
}
