package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every object under deploy/kubernetes/ and deploy/kserve/ is one its API server takes, field by field, with unknown
 * fields refused as {@code kubectl apply}'s strict field validation refuses them. Kubernetes' own kinds (Deployment,
 * Service, HorizontalPodAutoscaler) are read into fabric8's model classes, generated from Kubernetes' OpenAPI, with
 * their catch-all {@code additionalProperties} setters taken away, so that Jackson refuses a field the API does not
 * have and a string where a number goes. The custom resources (KEDA's ScaledObject; KServe's ServingRuntime,
 * InferenceService and TrainedModel) are validated against the {@code openAPIV3Schema} of their CRDs, vendored under
 * src/test/resources/crds/ (README.md there names the releases), with every object schema closed
 * ({@code additionalProperties: false}) unless the CRD lets it keep unknown fields; their {@code metadata}, which a
 * CRD leaves open, is read as Kubernetes' ObjectMeta. What fabric8's classes do not check is which fields are required:
 * KubernetesManifestsIT and KServeManifestsTest check the ones these objects need.
 */
class ManifestSchemasTest {

    static final Path CRDS = Path.of("src", "test", "resources", "crds");
    static final List<Path> DIRECTORIES = List.of(Path.of("deploy", "kubernetes"), KServeManifestsTest.DIR);

    /** Reads YAML documents as trees, refusing a key given twice. */
    static final ObjectMapper YAML = new ObjectMapper(
                    new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    static final ObjectMapper JSON = new ObjectMapper();

    /** fabric8's model classes for Kubernetes' own kinds, by {@code apiVersion kind}. */
    static final Map<String, Class<?>> KUBERNETES_KINDS = Map.of(
            "apps/v1 Deployment", Deployment.class,
            "v1 Service", Service.class,
            "autoscaling/v2 HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);

    /** The vendored CRD of each custom kind, by {@code group kind}. */
    static final Map<String, Path> CUSTOM_KINDS = Map.of(
            "keda.sh ScaledObject", CRDS.resolve("keda/keda.sh_scaledobjects.yaml"),
            "serving.kserve.io ServingRuntime", CRDS.resolve("kserve/serving.kserve.io_servingruntimes.yaml"),
            "serving.kserve.io InferenceService", CRDS.resolve("kserve/serving.kserve.io_inferenceservices.yaml"),
            "serving.kserve.io TrainedModel", CRDS.resolve("kserve/serving.kserve.io_trainedmodels.yaml"));

    /** fabric8's classes, strictly: no catch-all for unknown fields, no strings taken as numbers or booleans. */
    static final ObjectMapper STRICT = strictMapper();

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30());
    private static final Map<String, Schema> CRD_SCHEMAS = new HashMap<>();

    private static ObjectMapper strictMapper() {
        SimpleModule refuseUnknownFields = new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(
                    DeserializationConfig config, BeanDescription bean, BeanDeserializerBuilder builder) {
                if (bean.getBeanClass().getName().startsWith("io.fabric8.")) {
                    builder.setAnySetter(null); // the @JsonAnySetter that keeps unknown fields in additionalProperties
                }
                return builder;
            }
        });
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(refuseUnknownFields)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }

    /** One document of a manifest file. */
    record Document(Path file, int index, JsonNode tree) {
        String where() {
            return file + " #" + (index + 1) + " (" + tree.path("kind").asText() + " "
                    + tree.path("metadata").path("name").asText() + ")";
        }
    }

    /** Every non-empty document of every YAML file under deploy/kubernetes/ and deploy/kserve/. */
    static List<Document> documents() throws IOException {
        List<Document> documents = new ArrayList<>();
        for (Path directory : DIRECTORIES) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml"))
                        .sorted()
                        .toList()) {
                    documents.addAll(documents(file, Files.readString(file)));
                }
            }
        }
        return documents;
    }

    static List<Document> documents(Path file, String yaml) throws IOException {
        List<Document> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (it.hasNext()) {
                JsonNode tree = it.next();
                if (tree != null && !tree.isEmpty()) {
                    documents.add(new Document(file, index, tree));
                }
                index++;
            }
        }
        return documents;
    }

    /** What the API server would refuse in a document: empty when it takes it. */
    static List<String> problems(Document document) {
        JsonNode tree = document.tree();
        String apiVersion = tree.path("apiVersion").asText();
        String kind = tree.path("kind").asText();
        Class<?> model = KUBERNETES_KINDS.get(apiVersion + " " + kind);
        if (model != null) {
            List<String> problems = new ArrayList<>();
            try {
                swallowed(STRICT.treeToValue(tree, model), kind, problems);
            } catch (IOException | IllegalArgumentException e) {
                problems.add(e.getMessage().lines().findFirst().orElse("") + " at " + path(e));
            }
            return problems;
        }
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        Path crd = CUSTOM_KINDS.get(group + " " + kind);
        if (crd == null) {
            return List.of("no schema for " + apiVersion + " " + kind + ": add its model class or CRD");
        }
        List<String> problems =
                new ArrayList<>(refused(() -> STRICT.treeToValue(tree.path("metadata"), ObjectMeta.class)));
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        try {
            schema(crd, version)
                    .validate(JSON.writeValueAsString(tree), InputFormat.JSON)
                    .forEach(error -> problems.add(error.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return problems;
    }

    /**
     * The fields a fabric8 object kept in an {@code additionalProperties} map, anywhere in it: none, as the strict
     * mapper has no setter for them; this says so of the object read, whatever reads it.
     */
    static void swallowed(Object value, String path, List<String> problems) {
        if (value instanceof Collection<?> values) {
            int i = 0;
            for (Object element : values) {
                swallowed(element, path + "[" + i++ + "]", problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> swallowed(element, path + "." + key, problems));
            return;
        }
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            Class<?> type = getter.getReturnType();
            boolean nested = type.getName().startsWith("io.fabric8.")
                    || Collection.class.isAssignableFrom(type)
                    || Map.class.isAssignableFrom(type);
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || !nested) {
                continue;
            }
            Object got;
            try {
                got = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(path + "." + getter.getName(), e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (got instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": fields Kubernetes does not have: " + extra.keySet());
                }
            } else {
                String field = getter.getName().substring(3);
                swallowed(got, path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1), problems);
            }
        }
    }

    private interface Reading {
        Object read() throws IOException;
    }

    private static List<String> refused(Reading reading) {
        try {
            reading.read();
            return List.of();
        } catch (IOException | IllegalArgumentException e) {
            return List.of(e.getMessage().lines().findFirst().orElse("") + " at " + path(e));
        }
    }

    private static String path(Exception e) {
        return e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
                ? mapping.getPathReference()
                : "?";
    }

    /** The CRD's {@code openAPIV3Schema} for the version, closed to unknown fields, read once. */
    static synchronized Schema schema(Path crd, String version) throws IOException {
        String key = crd + " " + version;
        Schema schema = CRD_SCHEMAS.get(key);
        if (schema == null) {
            JsonNode definition = YAML.readTree(crd.toFile());
            JsonNode found = null;
            for (JsonNode served : definition.path("spec").path("versions")) {
                if (served.path("name").asText().equals(version)) {
                    found = served.path("schema").path("openAPIV3Schema").deepCopy();
                }
            }
            assertTrue(found != null && found.isObject(), crd + " has no schema for version " + version);
            closed(found);
            schema = SCHEMAS.getSchema(JSON.writeValueAsString(found), InputFormat.JSON);
            CRD_SCHEMAS.put(key, schema);
        }
        return schema;
    }

    /**
     * Closes every object schema with {@code properties} to other fields, as the API server's strict field validation
     * does, unless the schema says how to take them ({@code additionalProperties}) or keeps them
     * ({@code x-kubernetes-preserve-unknown-fields}).
     */
    static void closed(JsonNode schema) {
        if (schema.isArray()) {
            schema.forEach(ManifestSchemasTest::closed);
            return;
        }
        if (!(schema instanceof ObjectNode object)) {
            return;
        }
        if (object.has("properties")
                && !object.has("additionalProperties")
                && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            object.put("additionalProperties", false);
        }
        object.path("properties").forEach(ManifestSchemasTest::closed);
        for (String nested : List.of("items", "additionalProperties", "allOf", "anyOf", "oneOf", "not")) {
            closed(object.path(nested));
        }
    }

    @Test
    void everyManifestIsOneItsApiServerTakesWithNoUnknownField() throws IOException {
        List<Document> documents = documents();
        List<String> kinds = documents.stream()
                .map(d -> d.tree().path("kind").asText())
                .distinct()
                .sorted()
                .toList();
        assertEquals(
                List.of(
                        "Deployment",
                        "HorizontalPodAutoscaler",
                        "InferenceService",
                        "ScaledObject",
                        "Service",
                        "ServingRuntime",
                        "TrainedModel"),
                kinds,
                "the kinds under " + DIRECTORIES);
        List<String> refused = new ArrayList<>();
        for (Document document : documents) {
            problems(document).forEach(p -> refused.add(document.where() + ": " + p));
        }
        assertEquals(List.of(), refused);
    }

    /** A misspelled field deep in the Deployment, and a number written as text, are refused, each by its path. */
    @Test
    void aMisspelledOrMistypedFieldOfAKubernetesObjectIsRefused() throws IOException {
        String deployment = Files.readString(Path.of("deploy", "kubernetes", "deployment.yaml"));
        assertEquals(List.of(), problems(only(deployment)));
        List<String> misspelled = problems(only(once(deployment, "periodSeconds: 5", "periodSecond: 5")));
        assertEquals(1, misspelled.size(), misspelled::toString);
        assertTrue(misspelled.get(0).contains("\"periodSecond\""), misspelled::toString);
        assertTrue(misspelled.get(0).contains("readinessProbe"), misspelled::toString);
        List<String> text = problems(only(once(deployment, "replicas: 2", "replicas: \"2\"")));
        assertEquals(1, text.size(), text::toString);
        assertTrue(text.get(0).contains("replicas"), text::toString);
        assertFalse(problems(only(once(deployment, "  name: tabserve\n", "  nmae: tabserve\n")))
                .isEmpty());
        // What fabric8's own reading does with the misspelled field: keeps it, which the walk finds.
        List<String> swallowed = new ArrayList<>();
        swallowed(
                new ObjectMapper()
                        .treeToValue(
                                only(once(deployment, "periodSeconds: 5", "periodSecond: 5"))
                                        .tree(),
                                Deployment.class),
                "Deployment",
                swallowed);
        assertEquals(
                List.of("Deployment.spec.template.spec.containers[0].readinessProbe: fields Kubernetes does not have: "
                        + "[periodSecond]"),
                swallowed);
    }

    /** The same for the custom resources: a misspelled field anywhere, in spec or in metadata, is refused. */
    @Test
    void aMisspelledFieldOfACustomResourceIsRefused() throws IOException {
        String service = Files.readString(KServeManifestsTest.DIR.resolve("inferenceservice.yaml"));
        assertEquals(List.of(), problems(only(service)));
        List<String> refused = problems(only(once(service, "storageUri:", "storageURI:")));
        assertTrue(refused.toString().contains("storageURI"), refused::toString);
        assertFalse(problems(only(once(service, "  name: banknote", "  nam: banknote")))
                .isEmpty());
        String scaled = Files.readString(Path.of("deploy", "kubernetes", "keda", "scaledobject.yaml"));
        assertEquals(List.of(), problems(only(scaled)));
        refused = problems(only(once(scaled, "cooldownPeriod:", "coolDownPeriod:")));
        assertTrue(refused.toString().contains("coolDownPeriod"), refused::toString);
        String runtime = Files.readString(KServeManifestsTest.DIR.resolve("servingruntime.yaml"));
        refused = problems(only(once(runtime, "containerPort:", "containerPrt:")));
        assertTrue(refused.toString().contains("containerPrt"), refused::toString);
    }

    /**
     * docs/security.md's pod fragment (the API keys file from a Secret) is a pod template's spec as Kubernetes reads
     * it, and the variable names the file the Secret's key becomes: {@code --from-file=keys=...} mounted at the
     * mount path gives {@code MOUNT/keys}.
     */
    @Test
    void theSecurityDocsPodFragmentIsAPodTemplateThatReadsTheKeysFileTheSecretMounts() throws IOException {
        String block = markedBlock(Path.of("docs", "security.md"), "yaml");
        PodTemplateSpec template = STRICT.treeToValue(only(block).tree(), PodTemplateSpec.class);
        Container container = template.getSpec().getContainers().get(0);
        assertEquals("tabserve", container.getName(), "the Deployment's container, which the fragment adds to");
        VolumeMount mount = container.getVolumeMounts().get(0);
        assertTrue(mount.getReadOnly());
        Volume volume = template.getSpec().getVolumes().get(0);
        assertEquals(mount.getName(), volume.getName());
        java.util.regex.Matcher secret = java.util.regex.Pattern.compile(
                        "kubectl create secret generic (\\S+) --from-file=(\\w+)=")
                .matcher(block);
        assertTrue(secret.find(), block);
        assertEquals(secret.group(1), volume.getSecret().getSecretName());
        assertEquals(
                mount.getMountPath() + "/" + secret.group(2),
                container.getEnv().stream()
                        .filter(e -> e.getName().equals("TABSERVE_API_KEYS"))
                        .findFirst()
                        .orElseThrow()
                        .getValue());
    }

    /** The one fenced block of the language in the page whose marker above names this test. */
    static String markedBlock(Path page, String language) throws IOException {
        List<String> lines = Files.readAllLines(page);
        List<String> blocks = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).equals("```" + language)
                    && lines.get(i - 1).matches("<!-- run by: .*\\bManifestSchemasTest\\b.* -->")) {
                int end = lines.subList(i + 1, lines.size()).indexOf("```") + i + 1;
                blocks.add(String.join("\n", lines.subList(i + 1, end)) + "\n");
            }
        }
        assertEquals(1, blocks.size(), page + ": the " + language + " blocks marked run by ManifestSchemasTest");
        return blocks.get(0);
    }

    private static Document only(String yaml) throws IOException {
        List<Document> documents = documents(Path.of("test.yaml"), yaml);
        assertEquals(1, documents.size());
        return documents.get(0);
    }

    /** The text with its one occurrence of {@code from} replaced. */
    private static String once(String text, String from, String to) {
        int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "exactly one '" + from + "'");
        return text.substring(0, at) + to + text.substring(at + from.length());
    }
}
