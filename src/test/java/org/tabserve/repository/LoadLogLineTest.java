package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * Issue 66, item 6: a model loaded is one short log line, {@code Loaded mass v1 (sha256 ab90cbcd3e6b, 6 inputs,
 * regressor, plain Java) in 84 ms}, whether the directory's scan loaded it or it was served as the one model; its
 * inputs, classes and output stay at debug level and on {@code /api/model}. Before, a load logged three records at
 * INFO, one of them 600 characters and more (every input's {@code Feature[name=..., type=..., ...]}). The records
 * are read at INFO from every tabserve logger, in this JVM (a JUL handler on the package's parent logger).
 */
class LoadLogLineTest {

    private static final Logger TABSERVE = Logger.getLogger("org.tabserve");

    /** The line's shape: name, version, the file's hash, its inputs, its task, its engine, how long the load took. */
    private static final String SHAPE =
            "Loaded %s v1 \\(sha256 [0-9a-f]{12}, %d inputs, %s, (plain Java|ONNX Runtime)\\)" + " in [0-9]+ ms";

    @TempDir
    Path dir;

    private final List<String> records = new CopyOnWriteArrayList<>();
    private final Handler listener = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                records.add(new SimpleFormatter().formatMessage(record));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private Level before;

    @BeforeEach
    void listen() {
        before = TABSERVE.getLevel();
        TABSERVE.setLevel(Level.INFO); // the tests' logging settings log warnings only
        TABSERVE.addHandler(listener);
    }

    @AfterEach
    void stopListening() {
        TABSERVE.removeHandler(listener);
        TABSERVE.setLevel(before);
    }

    /** @return the records that name {@code name} as a word of its own (not the species model's body_mass_g) */
    private static List<String> about(List<String> records, String name) {
        java.util.regex.Pattern word = java.util.regex.Pattern.compile("(?<!\\w)" + name + "(?!\\w)");
        return records.stream().filter(r -> word.matcher(r).find()).toList();
    }

    @Test
    void eachModelTheDirectoryLoadsIsOneShortLine() {
        List<String> loads;
        Models.put(Models.BODY_MASS, dir.resolve("mass.onnx"));
        Models.put(Models.SPECIES, dir.resolve("species/1/model.onnx"));
        try (ModelRepository repository = new ModelRepository(RepositoryOptions.of(dir), new Events())) {
            repository.start().join();
            assertEquals(
                    2,
                    repository.readyVersions("mass").size()
                            + repository.readyVersions("species").size());
            loads = List.copyOf(records); // not the lines of closing it
        }
        List<String> mass = about(loads, "mass");
        assertEquals(1, mass.size(), "one line for the model: " + mass);
        assertTrue(mass.get(0).matches(String.format(SHAPE, "mass", 6, "regressor")), mass.get(0));
        List<String> species = about(loads, "species");
        assertEquals(1, species.size(), "one line for the model: " + species);
        assertTrue(species.get(0).matches(String.format(SHAPE, "species", 6, "classifier")), species.get(0));
        assertTrue(loads.stream().allMatch(r -> r.length() < 200), "no long record: " + loads);
    }

    @Test
    void theOneModelServedAsItIsIsOneShortLineToo() {
        List<String> loads;
        Model model = OnnxModelLoader.load(Models.BANKNOTE);
        try (ModelRepository repository = new ModelRepository(RepositoryOptions.none(), new Events())) {
            repository.start().join();
            repository.serve("banknote", model, Duration.ofMillis(84));
            loads = List.copyOf(records); // not the lines of closing it
        }
        List<String> lines = about(loads, "banknote");
        assertEquals(1, lines.size(), "one line for the model: " + lines);
        assertTrue(lines.get(0).matches(String.format(SHAPE, "banknote", 4, "classifier")), lines.get(0));
        assertTrue(lines.get(0).endsWith(" in 84 ms"), lines.get(0));
        assertTrue(loads.stream().allMatch(r -> r.length() < 200), "no long record: " + loads);
    }
}
