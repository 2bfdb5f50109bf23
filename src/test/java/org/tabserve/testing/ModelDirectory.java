package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A model directory for {@code --models} in the integration tests, built from the repo's real models (the bank-note
 * model in two versions, the penguins species classifier with text inputs, the body-mass regressor), and the
 * index a server makes of it ({@code GET /api/models}), read and awaited: what every repository test shares.
 */
public final class ModelDirectory {

    public static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    /** A genuine bank note ({@code "0"}). */
    public static final String NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";
    /** An Adelie penguin, for the species classifiers (sex may be left out for species-nozipmap). */
    public static final String PENGUIN =
            "{\"island\": \"Torgersen\", \"bill_length_mm\": 39.1, \"bill_depth_mm\": 18.7,"
                    + " \"flipper_length_mm\": 181.0, \"body_mass_g\": 3750.0, \"sex\": \"MALE\"}";
    /** A penguin for the body-mass regressor. */
    public static final String SPECIES_OF_MASS =
            "{\"species\": \"Adelie\", \"island\": \"Torgersen\", \"bill_length_mm\": 39.1,"
                    + " \"bill_depth_mm\": 18.7, \"flipper_length_mm\": 181, \"sex\": \"MALE\"}";

    private final Path root;

    private ModelDirectory(Path root) {
        this.root = root;
    }

    /** A new empty temporary directory. */
    public static ModelDirectory empty() throws IOException {
        return new ModelDirectory(Files.createTempDirectory("tabserve-models"));
    }

    /**
     * A new temporary directory holding {@code banknote/1/model.onnx}, {@code banknote/2/model.onnx},
     * {@code species.onnx} (the species classifier with a ZipMap output) and {@code mass/model.onnx} (the regressor).
     */
    public static ModelDirectory withFourModels() throws IOException {
        ModelDirectory dir = new ModelDirectory(Files.createTempDirectory("tabserve-models"));
        dir.copy(BankNotes.MODEL, "banknote/1/model.onnx");
        dir.copy(BankNotes.MODEL, "banknote/2/model.onnx");
        dir.copy(PENGUINS.resolve("species-zipmap.onnx"), "species.onnx");
        dir.copy(PENGUINS.resolve("body-mass-regressor.onnx"), "mass/model.onnx");
        return dir;
    }

    /**
     * {@link #withFourModels()} and {@code broken.onnx}, a file that is no ONNX model: the models page's filter's
     * fixture ({@code web.pages.ModelsFilterTest}, {@code ModelsFilterBrowserTest}), which share one server of it.
     */
    public static ModelDirectory withFourModelsAndABrokenFile() throws IOException {
        ModelDirectory dir = withFourModels();
        dir.install("not an ONNX file".getBytes(java.nio.charset.StandardCharsets.UTF_8), "broken.onnx");
        return dir;
    }

    public Path root() {
        return root;
    }

    public Path resolve(String relative) {
        return root.resolve(relative);
    }

    /** Copies {@code from} to {@code relative} in place (before the server starts; a polling server could see it half-written). */
    public void copy(Path from, String relative) throws IOException {
        Path to = root.resolve(relative);
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Puts {@code bytes} at {@code relative} the way README tells operators to: written under a hidden name in the
     * directory, then renamed into place (atomically, replacing a file that is there).
     */
    public void install(byte[] bytes, String relative) throws IOException {
        Path to = root.resolve(relative);
        Files.createDirectories(to.getParent());
        Path hidden = root.resolve("." + relative.replace('/', '_') + ".part");
        Files.write(hidden, bytes);
        Files.move(hidden, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** As {@link #install(byte[], String)}, with a file's bytes. */
    public void install(Path from, String relative) throws IOException {
        install(Files.readAllBytes(from), relative);
    }

    /** Deletes the file or directory at {@code relative}, with what it holds. */
    public void remove(String relative) throws IOException {
        try (var files = Files.walk(root.resolve(relative))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** @return the entries of {@code GET /api/models}, in its order */
    public static List<JsonNode> index(Http http) {
        List<JsonNode> models = new ArrayList<>();
        http.get("/api/models").json().path("models").forEach(models::add);
        return models;
    }

    /** Waits until the index shows what {@code test} wants (a guard against a hang, not a measure of speed). */
    public static List<JsonNode> awaitIndex(Http http, Predicate<List<JsonNode>> test) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<JsonNode> index = index(http);
        while (!test.test(index)) {
            assertTrue(System.nanoTime() < deadline, "the index never showed what was awaited: " + index);
            Thread.sleep(200);
            index = index(http);
        }
        return index;
    }

    /** Waits until the index lists {@code models} model versions, every one of them ready. */
    public static void awaitReady(Http http, int models) throws InterruptedException {
        awaitIndex(
                http,
                index -> index.size() == models
                        && index.stream().allMatch(m -> m.path("state").asText().equals("READY")));
    }

    /** @return the index's entry for that model version; fails when there is none */
    public static JsonNode entry(List<JsonNode> index, String name, String version) {
        return index.stream()
                .filter(m -> m.path("name").asText().equals(name)
                        && m.path("version").asText().equals(version))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " " + version + " not in " + index));
    }

    /** @return whether the index lists that model version in that state */
    public static boolean has(List<JsonNode> index, String name, String version, String state) {
        return index.stream()
                .anyMatch(m -> m.path("name").asText().equals(name)
                        && m.path("version").asText().equals(version)
                        && m.path("state").asText().equals(state));
    }

    /** @return whether the index lists any version of that model */
    public static boolean lists(List<JsonNode> index, String name) {
        return index.stream().anyMatch(m -> m.path("name").asText().equals(name));
    }
}
