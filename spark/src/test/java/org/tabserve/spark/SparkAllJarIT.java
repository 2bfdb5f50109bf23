package org.tabserve.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The one jar for {@code spark-submit --jars} (target/tabserve-spark-all.jar, the shade plugin's): it holds the
 * connector, the model core and ONNX Runtime with its native libraries, and no class that Spark's own jars (those a
 * cluster runs, target/spark-home/jars) also hold, so that neither shadows the other on an executor's class path: the
 * libraries both have (commons-io, commons-codec, and commons-csv with them) are relocated under
 * {@code org.tabserve.shaded}. {@link StandaloneClusterIT} runs its jobs with this jar alone.
 */
class SparkAllJarIT {

    private static final Path JAR = Path.of(System.getProperty("tabserve.spark.all.jar"));
    private static final Path SPARK_JARS = Path.of(System.getProperty("tabserve.spark.home"), "jars");

    @Test
    void holdsTheConnectorTheCoreAndOnnxRuntimeAndNoClassOfSparksOwn() throws IOException {
        Set<String> classes = classes(JAR);
        for (String expected : List.of(
                "org/tabserve/spark/TabserveModel.class",
                "org/tabserve/spark/TabserveExtensions.class",
                "org/tabserve/model/onnx/OnnxModelLoader.class",
                "ai/onnxruntime/OrtSession.class",
                "org/tabserve/shaded/commons/csv/CSVFormat.class")) {
            assertTrue(classes.contains(expected), expected + " is missing from " + JAR);
        }
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            assertTrue(
                    jar.stream().anyMatch(e -> e.getName().startsWith("ai/onnxruntime/native/linux-x64/")),
                    "ONNX Runtime's native library for linux-x64");
        }

        Set<String> spark = new TreeSet<>();
        List<Path> sparkJars;
        try (Stream<Path> files = Files.list(SPARK_JARS)) {
            sparkJars = files.filter(f -> f.toString().endsWith(".jar")).toList();
        }
        assertTrue(sparkJars.size() > 100, "Spark's jars: " + sparkJars.size());
        for (Path jar : sparkJars) {
            spark.addAll(classes(jar));
        }
        List<String> both = new ArrayList<>(classes);
        both.retainAll(spark);
        assertEquals(
                List.of(), both.stream().limit(20).toList(), both.size() + " classes both in the one jar and Spark's");
    }

    /** @return the classes in {@code jar}, multi-release versions included, without module descriptors */
    private static Set<String> classes(Path jar) throws IOException {
        Set<String> classes = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream()
                    .map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class"))
                    .map(n -> n.replaceFirst("^META-INF/versions/[0-9]+/", ""))
                    .forEach(classes::add);
        }
        return classes;
    }
}
