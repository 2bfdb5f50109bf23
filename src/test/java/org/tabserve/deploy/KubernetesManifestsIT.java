package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/'s Deployment run as its pod runs it, and its probes answered: the image's Jetty base (built by
 * deploy/jetty-base.sh, started from its {@code jetty.start} as the Jetty image's entrypoint starts it) with the
 * container's environment as with-models/deployment.yaml writes it ({@code JAVA_OPTIONS} the JVM's options, the
 * others the server's environment) and a models directory where its volume is mounted. Only what a test must change
 * is changed: the port (a free one on 127.0.0.1 for the container's 8080) and the mount's directory (the test's own for
 * {@code /models}, given to the web app as deploy/entrypoint.sh gives it, {@code TABSERVE_MODELS}); the class
 * archive {@code JAVA_OPTIONS} names is the image's, absent here, which Java 17 starts without. Its startup,
 * liveness and readiness probes answer 200 on the container's port, and the model it serves is the one in the
 * volume. with-models/deployment.yaml is deployment.yaml with a models volume where the image's entrypoint looks.
 * ManifestSchemasTest reads every field of these files against Kubernetes' own schema; KServeRuntimeIT runs
 * deploy/kserve's runtimes on their args and probes them.
 *
 * <p>It stands for these commands of docs/deploy.md, which need a cluster: what they apply parses, its probes and
 * ports are the app's, and the Service and the autoscaler name the Deployment that either file makes.
 * <pre>
 * kubectl apply -f deploy/kubernetes/
 * kubectl rollout status deployment/tabserve
 * kubectl port-forward service/tabserve 8080:80
 * kubectl apply -f deploy/kubernetes/with-models/ -f deploy/kubernetes/service.yaml -f deploy/kubernetes/hpa.yaml
 * </pre>
 */
class KubernetesManifestsIT {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path DIR = Path.of("deploy", "kubernetes");
    /** The model the test puts in the volume, under a name of its own so that it is told from the WAR's. */
    static final String MODEL = "banknote-from-volume";

    static ServerProcess pod;

    @BeforeAll
    static void start() throws Exception {
        JsonNode container = container("with-models/deployment.yaml");
        Path base = Containers.buildJettyBase("kubernetes-manifests", Containers.OnnxRuntimeSetup.SHARED);
        Path models = Files.createDirectories(base.resolveSibling("models"));
        Files.copy(Path.of("model.onnx"), models.resolve(MODEL + ".onnx"));
        List<String> javaOptions = List.of();
        Map<String, String> environment = new HashMap<>();
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            String value = variable.path("value").asText();
            if (name.equals("JAVA_OPTIONS")) {
                javaOptions = List.of(value.strip().split("\\s+"));
            } else {
                environment.put(name, value);
            }
        }
        environment.put("TABSERVE_MODELS", models.toString());
        pod = Containers.startJettyBaseAsTheImage("kubernetes-manifests", base, javaOptions, environment);
        pod.awaitReadiness(200, Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (pod != null) {
            pod.close();
        }
    }

    static JsonNode read(String file) throws IOException {
        return YAML.readTree(DIR.resolve(file).toFile());
    }

    static JsonNode container() throws IOException {
        return container("deployment.yaml");
    }

    static JsonNode container(String file) throws IOException {
        return read(file)
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
    }

    /**
     * The two Deployments differ only in the models volume: mounted read-only where deploy/entrypoint.sh looks
     * (the image then serves it), and absent from deployment.yaml (the image then serves the bundled model).
     */
    @Test
    void theModelsDeploymentIsTheDeploymentWithAModelsVolumeWhereTheEntrypointLooks() throws IOException {
        String mount = java.util.regex.Pattern.compile("TABSERVE_MODELS_MOUNT:-(/[^}]+)}")
                .matcher(java.nio.file.Files.readString(Containers.ENTRYPOINT))
                .results()
                .findFirst()
                .orElseThrow()
                .group(1);
        JsonNode plain = read("deployment.yaml");
        JsonNode models = read("with-models/deployment.yaml");
        assertEquals(
                plain.path("metadata"), models.path("metadata"), "one replaces the other; service and HPA fit both");
        assertEquals(plain.path("spec").path("selector"), models.path("spec").path("selector"));
        JsonNode withModels = container("with-models/deployment.yaml");
        for (String field : List.of(
                "image", "ports", "resources", "startupProbe", "livenessProbe", "readinessProbe", "securityContext")) {
            assertEquals(container().path(field), withModels.path(field), field);
        }
        assertTrue(
                container().path("volumeMounts").findValuesAsText("mountPath").stream()
                        .noneMatch(mount::equals),
                "deployment.yaml serves the bundled model: nothing at " + mount);
        JsonNode volumeMount = withModels.path("volumeMounts").findParents("mountPath").stream()
                .filter(m -> m.path("mountPath").asText().equals(mount))
                .findFirst()
                .orElseThrow(() -> new AssertionError("with-models/deployment.yaml mounts nothing at " + mount));
        assertTrue(volumeMount.path("readOnly").asBoolean(), "the replicas only read the models");
        assertTrue(models.path("spec").path("template").path("spec").path("volumes").findParents("name").stream()
                .anyMatch(v ->
                        v.path("name").asText().equals(volumeMount.path("name").asText())));
        List<String> variables = withModels.path("env").findValuesAsText("name");
        assertFalse(
                variables.contains("TABSERVE_MODEL") || variables.contains("TABSERVE_MODELS"),
                "the mount alone chooses the repository: " + variables);
    }

    /**
     * Every probe of both Deployments gets a route the running pod answers with 200, on the container's port, and
     * the Service sends to that port.
     */
    @Test
    void probesGetRoutesThePodAnswersWith200OnTheContainersPort() throws Exception {
        for (String file : List.of("deployment.yaml", "with-models/deployment.yaml")) {
            JsonNode container = container(file);
            int containerPort =
                    container.path("ports").get(0).path("containerPort").asInt();
            assertEquals(8080, containerPort, file + ": the image's Jetty listens on 8080 (jetty.http.port)");
            assertEquals(
                    "/health/live",
                    container.path("livenessProbe").path("httpGet").path("path").asText(),
                    file);
            assertEquals(
                    "/health/ready",
                    container
                            .path("readinessProbe")
                            .path("httpGet")
                            .path("path")
                            .asText(),
                    file);
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                JsonNode get = container.path(probe).path("httpGet");
                assertEquals(containerPort, get.path("port").asInt(), file + " " + probe);
                int status = DeploymentChecks.send(HttpRequest.newBuilder(pod.base()
                                        .resolve(get.path("path").asText().substring(1)))
                                .GET()
                                .build())
                        .statusCode();
                assertEquals(
                        200, status, file + " " + probe + " " + get.path("path").asText());
            }
        }
        assertEquals(
                8080,
                read("service.yaml")
                        .path("spec")
                        .path("ports")
                        .get(0)
                        .path("targetPort")
                        .asInt());
    }

    /** The pod serves the model in its volume, and scores with it, under the Deployment's JVM options. */
    @Test
    void thePodServesTheModelInItsVolume() throws Exception {
        HttpResponse<String> models = DeploymentChecks.send(
                HttpRequest.newBuilder(pod.base().resolve("api/models")).GET().build());
        assertEquals(200, models.statusCode(), models.body());
        List<String> names = new java.util.ArrayList<>();
        DeploymentChecks.JSON
                .readTree(models.body())
                .path("models")
                .forEach(entry -> names.add(entry.path("name").asText()));
        assertEquals(List.of(MODEL), names, models.body());
        HttpResponse<String> prediction =
                DeploymentChecks.send(HttpRequest.newBuilder(pod.base().resolve("models/" + MODEL + "/api/predict"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(DeploymentChecks.GENUINE_ROW))
                        .build());
        assertEquals(200, prediction.statusCode(), prediction.body());
        assertEquals(
                "0",
                DeploymentChecks.JSON.readTree(prediction.body()).path("label").asText());
    }

    @Test
    void runsTwoOrMoreNonRootReplicasWithLimitsAndAReadOnlyRootWithWritableTmp() throws IOException {
        JsonNode deployment = read("deployment.yaml");
        assertEquals("Deployment", deployment.path("kind").asText());
        assertTrue(deployment.path("spec").path("replicas").asInt() >= 2);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        JsonNode container = container();
        assertTrue(
                container.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        assertFalse(container.path("resources").path("requests").path("memory").isMissingNode());
        assertFalse(container.path("resources").path("limits").path("memory").isMissingNode());
        assertEquals(
                "/tmp", container.path("volumeMounts").get(0).path("mountPath").asText());
        assertTrue(pod.path("volumes").get(0).has("emptyDir"));
    }

    @Test
    void serviceAndAutoscalerPointAtTheDeployment() throws IOException {
        JsonNode deployment = read("deployment.yaml");
        JsonNode service = read("service.yaml");
        assertEquals(
                deployment.path("spec").path("selector").path("matchLabels"),
                service.path("spec").path("selector"));
        assertEquals(
                8080,
                service.path("spec").path("ports").get(0).path("targetPort").asInt());
        JsonNode hpa = read("hpa.yaml");
        assertEquals("HorizontalPodAutoscaler", hpa.path("kind").asText());
        assertEquals(
                deployment.path("metadata").path("name").asText(),
                hpa.path("spec").path("scaleTargetRef").path("name").asText());
        assertTrue(hpa.path("spec").path("minReplicas").asInt() >= 2);
    }
}
