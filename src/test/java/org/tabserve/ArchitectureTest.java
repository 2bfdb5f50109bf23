package org.tabserve;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keeps the dependency arrows of DEVELOPERS.md true by reading every import of every package. */
class ArchitectureTest {

    /** What model/ may import: the JDK, ONNX Runtime, Jackson and itself; never HTTP, Jetty, Tribuo or train/. */
    private static final List<String> MODEL_MAY_IMPORT = List.of(
            "java.", "ai.onnxruntime.", "com.fasterxml.jackson.", "org.tabserve.model.");

    @Test
    void modelImportsNothingButTheJdkOnnxRuntimeAndJackson() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/model"));
        assertTrue(imports.size() > 10, "the scan found the model's imports: " + imports.size());
        List<String> forbidden = imports.stream()
                .filter(i -> MODEL_MAY_IMPORT.stream().noneMatch(i::startsWith))
                .toList();
        assertEquals(List.of(), forbidden);
    }

    @Test
    void nothingServedImportsTheTrainer() throws IOException {
        List<String> intoTrain = imports(Path.of("src/main/java")).stream()
                .filter(i -> i.startsWith("org.tabserve.train") || i.startsWith("org.tribuo"))
                .toList();
        assertEquals(List.of(), intoTrain);
    }

    /** Every imported name (static imports included) in the Java files under {@code root}. */
    static List<String> imports(Path root) throws IOException {
        List<String> imports = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith("import ")) {
                        imports.add(trimmed.substring(7).replace("static ", "").replace(";", "").strip());
                    }
                }
            }
        }
        return imports;
    }
}
