package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.TabserveProcess;

/**
 * deploy/kubernetes/ parses and its probes (and deploy/kserve's) name routes the running app really answers, on the
 * image's port; with-models/deployment.yaml is deployment.yaml with a models volume where the image's entrypoint looks.
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
    static TabserveProcess app;

    @BeforeAll
    static void start() throws Exception {
        app = TabserveProcess.startReady();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (app != null) {
            app.close();
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

    @Test
    void kserveRuntimeProbesGetRoutesTheAppAnswersWith200() throws Exception {
        for (JsonNode runtime : KServeManifestsTest.ofKind("ServingRuntime", "ClusterServingRuntime")) {
            JsonNode container = runtime.path("spec").path("containers").get(0);
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                String path = container.path(probe).path("httpGet").path("path").asText();
                int status = DeploymentChecks.send(
                                HttpRequest.newBuilder(app.uri(path)).GET().build())
                        .statusCode();
                assertEquals(200, status, runtime.path("metadata").path("name").asText() + " " + probe + " " + path);
            }
        }
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

    @Test
    void probesGetRoutesTheAppAnswersWith200OnPort8080() throws Exception {
        JsonNode container = container();
        assertEquals(8080, container.path("ports").get(0).path("containerPort").asInt());
        assertEquals(
                "/health/live",
                container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals(
                "/health/ready",
                container.path("readinessProbe").path("httpGet").path("path").asText());
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertEquals(8080, get.path("port").asInt(), probe);
            int status = DeploymentChecks.send(
                            HttpRequest.newBuilder(app.uri(get.path("path").asText()))
                                    .GET()
                                    .build())
                    .statusCode();
            assertEquals(200, status, probe + " " + get.path("path").asText());
        }
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
