package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.TabserveProcess;

/**
 * docs/models.md's "Export a model to ONNX", as a user with the clone runs it: each block marked {@code <!-- run by:
 * ExportedModelsIT -->} in page order, its commands as written (through {@link DocShell}) with three stand-ins. Its
 * {@code pip install} line (no package index here) runs {@code pinned_versions.py}, which requires each pinned version
 * to be the one Debian's {@code /usr/bin/python3} imports, with skl2onnx, onnxconverter-common (../shared/vendor/python)
 * and onnxmltools (fixtures/vendor/python) on {@code PYTHONPATH}, the test's alone; its {@code python3
 * docs/examples/export_X.py} runs the script as written inside {@code export_check.py}, which then writes the library's
 * own answers for every row the script trained on; its {@code card} runs the packaged WAR. Its {@code java -jar
 * target/tabserve.war --model target/F.onnx} is taken, not started: every block's file is served by one server of a
 * folder ({@code --models}, {@code --poll-seconds 1}: the blocks' files copied in as they are made, found by the
 * server's scan), and each {@code curl} goes to that file's routes ({@code /models/F/...}) and must get the answer
 * shown under it. Then every row the library answered is sent as one request, and each row's probabilities must be
 * the library's within 1e-5.
 * A block whose library /usr/bin/python3 cannot import is skipped, saying which. The exporters that cannot run here
 * (Keras, LightGBM) and every excerpt of the section are checked by {@link #theScriptsTheDocsShowAreTheOnesThatRun}.
 */
class ExportedModelsIT {

    static final String PAGE = "docs/models.md";
    static final String PYTHON = "/usr/bin/python3";
    static final Path RESOURCES =
            Path.of("src/test/resources/org/tabserve/docs").toAbsolutePath();
    /** skl2onnx and onnxconverter-common (the steering repository's vendored copies) and onnxmltools (the clone's). */
    static final String VENDORED =
            Path.of("../shared/vendor/python").toAbsolutePath().normalize() + ":"
                    + Path.of("fixtures/vendor/python").toAbsolutePath();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MODEL =
            Pattern.compile("java -jar target/tabserve\\.war --model target/(\\S+)\\.onnx .*");
    private static final Pattern SCRIPT = Pattern.compile("python3 (docs/examples/(\\S+)\\.py)");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @TempDir
    static Path scratch;

    /** The one server of every block's file, started by the first block that serves one. */
    private static TabserveProcess server;

    @AfterAll
    static void stopTheServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @TestFactory
    List<DynamicTest> everyExportBlockRunsAsWritten() throws IOException {
        Path answers = Files.createDirectories(scratch.resolve("answers"));
        DocShell shell = DocShell.of("docs/models.md", "ExportedModelsIT")
                .environment("PYTHONPATH", VENDORED)
                .environment("TABSERVE_EXPORT_ANSWERS", answers.toString())
                .replace("pip install ", PYTHON + " " + RESOURCES.resolve("pinned_versions.py") + " ")
                .replace(
                        "python3 docs/examples/",
                        PYTHON + " " + RESOURCES.resolve("export_check.py") + " docs/examples/")
                .replace(
                        "java -jar target/tabserve.war card ",
                        Path.of(System.getProperty("java.home"), "bin", "java") + " "
                                + String.join(" ", TabserveProcess.FUNCTIONAL_JVM_OPTIONS) + " -jar "
                                + TabserveProcess.war() + " card ");
        List<DocBlocks.Block> blocks = DocBlocks.read(Path.of(PAGE)).stream()
                .filter(b -> b.runners().contains("ExportedModelsIT"))
                .toList();
        List<DynamicTest> tests = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int first = 0;
        for (DocBlocks.Block block : blocks) {
            int from = first;
            tests.add(DynamicTest.dynamicTest(block.where(), () -> run(shell, block, from, answers, skipped)));
            first += block.commands().size();
        }
        assertEquals(shell.commands().size(), first, "the blocks' commands are the shell's");
        assertTrue(blocks.size() >= 3, "the section has its exporters: " + blocks.size());
        tests.add(DynamicTest.dynamicTest("every command of the blocks ran", () -> {
            assumeTrue(skipped.isEmpty(), "skipped: " + skipped);
            shell.assertAllRun();
        }));
        return tests;
    }

    /** The block's commands, {@code first} being the index of its first in {@code shell}. */
    private void run(DocShell shell, DocBlocks.Block block, int first, Path answers, List<String> skipped)
            throws Exception {
        List<DocBlocks.Command> commands = block.commands();
        String pins = commands.get(0).text();
        assertTrue(pins.startsWith("pip install "), block.where() + " starts with its pip install line: " + pins);
        String served = null;
        String script = null;
        for (int i = 0; i < commands.size(); i++) {
            int index = first + i;
            DocBlocks.Command command = commands.get(i);
            String text = command.text();
            Matcher model = MODEL.matcher(text);
            Matcher python = SCRIPT.matcher(text);
            if (model.matches()) {
                shell.take(index);
                served = model.group(1);
                serve(Path.of("target", served + ".onnx"), served);
            } else if (text.startsWith("curl ")) {
                shell.take(index);
                assertTrue(served != null, command.where() + ": a curl after the block's server");
                ExampleCommands.Curl curl = ExampleCommands.curl(DocBlocks.words(text, Map.of()), Path.of("."));
                HttpResponse<String> answer = send("/models/" + served + curl.pathAndQuery(), curl.body());
                String said = command.where() + ": `" + text + "` got " + answer.statusCode() + " " + answer.body();
                assertEquals(200, answer.statusCode(), said);
                assertTrue(command.shown() != null, command.where() + " shows its answer");
                ShownAnswer.assertShown(command.shown(), answer.body(), said);
            } else if (i == 0) {
                try {
                    shell.run(index, 120);
                } catch (IllegalStateException e) {
                    if (e.getMessage().contains("not importable")) { // .ci/run installs them
                        skipped.add(block.where());
                        assumeTrue(false, block.where() + ": its library is not here: " + e.getMessage());
                    }
                    throw e;
                }
            } else {
                if (python.find()) {
                    script = python.group(2);
                }
                shell.run(index, 600);
            }
        }
        assertTrue(served != null && script != null, block.where() + " exports a file and serves it");
        assertTheLibrarysAnswers(answers.resolve(script + ".json"), served, block.where());
    }

    /**
     * Runs {@code command} with {@code args} and the vendored {@code PYTHONPATH}: null when it ends with status 0,
     * else what it printed.
     */
    private static String python(List<String> command, List<String> args) throws Exception {
        List<String> line = new ArrayList<>(command);
        line.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", VENDORED);
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", line) + " ended");
        return process.exitValue() == 0 ? null : printed;
    }

    /** Copies the file into the server's folder, starts the server if none runs, and waits until it serves it. */
    private void serve(Path file, String name) throws Exception {
        assertTrue(Files.isRegularFile(file), "the block's script wrote " + file);
        Path folder = Files.createDirectories(scratch.resolve("models"));
        Path copy = folder.resolve(name + ".onnx");
        Path partial = folder.resolve("." + name + ".partial");
        Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE);
        if (server == null) {
            server = TabserveProcess.startReady("--models", folder.toString(), "--poll-seconds", "1");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (client.send(
                                HttpRequest.newBuilder(uri("/models/" + name + "/api/model"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                != 200) {
            assertTrue(System.nanoTime() < deadline, "the server of the folder serves " + name + " within 120 s");
            Thread.sleep(250);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.uri().getPort() + path);
    }

    private HttpResponse<String> send(String path, byte[] body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every row the library answered, sent at once: each row's probabilities are the library's within 1e-5. */
    private void assertTheLibrarysAnswers(Path answers, String served, String where) throws Exception {
        JsonNode library = JSON.readTree(answers.toFile());
        ObjectNode request = JSON.createObjectNode();
        request.set("instances", library.get("rows"));
        HttpResponse<String> answer = send("/models/" + served + "/api/predict", JSON.writeValueAsBytes(request));
        assertEquals(200, answer.statusCode(), where + ": " + answer.body());
        JsonNode predictions = JSON.readTree(answer.body()).get("predictions");
        JsonNode rows = library.get("rows");
        assertEquals(rows.size(), predictions.size(), where);
        assertTrue(rows.size() > 300, where + ": the rows it was trained on: " + rows.size());
        int blanked = 0;
        for (int row = 0; row < rows.size(); row++) {
            for (JsonNode cell : rows.get(row)) {
                blanked += cell.isNull() ? 1 : 0;
            }
            JsonNode probabilities = predictions.get(row).get("probabilities");
            for (int c = 0; c < library.get("labels").size(); c++) {
                String label = library.get("labels").get(c).asText();
                assertEquals(
                        library.get("probabilities").get(row).get(c).asDouble(),
                        probabilities.get(label).asDouble(),
                        1e-5,
                        where + ": row " + row + " " + rows.get(row) + ", class " + label + ": "
                                + predictions.get(row));
            }
        }
        System.out.println(
                where + ": " + rows.size() + " rows (" + blanked + " missing values) answered as the library does");
    }

    /**
     * Each exporter's script (docs/examples/export_*.py) names its {@code pip install} line, pinned ({@code ==}), and
     * the page gives that line; every excerpt the page shows ({@code <!-- an excerpt of FILE, ... -->}) is in its file
     * as shown; and each script parses, with the arguments of each call of a function it imports by name bound to that
     * function's real signature where its module is here ({@code bound_calls.py}): for LightGBM, which Debian lacks,
     * onnxmltools 1.13.0's {@code convert_lightgbm}; for Keras, no module of which is here, the parse alone.
     */
    @Test
    void theScriptsTheDocsShowAreTheOnesThatRun() throws Exception {
        String page = Files.readString(Path.of(PAGE), StandardCharsets.UTF_8);
        String flat = page.replaceAll("\\s+", " ");
        Matcher excerpt = Pattern.compile(
                        "<!-- an excerpt of (\\S+), checked by ExportedModelsIT -->\\n```python\\n(.*?)```",
                        Pattern.DOTALL)
                .matcher(page);
        int excerpts = 0;
        while (excerpt.find()) {
            excerpts++;
            String script = Files.readString(Path.of(excerpt.group(1)), StandardCharsets.UTF_8);
            assertTrue(
                    script.contains(excerpt.group(2)), excerpt.group(1) + " holds the excerpt:\n" + excerpt.group(2));
        }
        List<Path> scripts;
        try (var files = Files.list(Path.of("docs/examples"))) {
            scripts = files.filter(f -> f.getFileName().toString().matches("export_.*\\.py"))
                    .sorted()
                    .toList();
        }
        assertEquals(5, scripts.size(), "scikit-learn, PyTorch, Keras, XGBoost and LightGBM: " + scripts);
        assertEquals(scripts.size(), excerpts, "one excerpt per exporter");
        for (Path script : scripts) {
            String text = Files.readString(script, StandardCharsets.UTF_8);
            Matcher pip = Pattern.compile("(?m)^#   (pip install .*)$").matcher(text);
            assertTrue(pip.find(), script + " says its pip install line");
            for (String pin : pip.group(1).substring("pip install ".length()).split(" ")) {
                assertTrue(pin.matches("[a-z0-9-]+==[0-9.]+"), script + ": " + pin + " is pinned");
            }
            assertTrue(flat.contains(pip.group(1)), PAGE + " gives " + script + "'s line: " + pip.group(1));
            assertTrue(text.contains("#   python3 " + script), script + " says how it is run");
            assertTrue(flat.contains("python3 " + script), PAGE + " runs " + script);
        }
        ProcessBuilder probe = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true);
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && probe.start().waitFor() == 0, PYTHON + " with numpy");
        List<String> line = new ArrayList<>(
                List.of(PYTHON, RESOURCES.resolve("bound_calls.py").toString()));
        scripts.forEach(script -> line.add(script.toString()));
        String printed = run(line);
        String lightgbm = printed.substring(printed.indexOf("export_lightgbm_onnx.py"));
        assumeTrue(!lightgbm.contains("onnxmltools: cannot be imported"), "onnxmltools is here: " + lightgbm);
        assertTrue(lightgbm.contains("convert_lightgbm: bound (initial_types, target_opset, zipmap)"), lightgbm);
    }

    /**
     * The quick start's model, as a clone alone makes it: {@code fixtures/make_quickstart_model.py} names its {@code pip
     * install} line (pinned to the versions here, {@code pinned_versions.py}) where a missing skl2onnx would stop it,
     * and docs/models.md and fixtures/README.md give that line; neither they, README.md nor the scripts they send a user
     * to read {@code ../shared}; the docs' command ({@code --data wine --out DIR}) writes its model and CSVs, and a run
     * without {@code --data} writes the committed iris files byte for byte.
     */
    @Test
    void theQuickStartsModelIsMadeFromTheCloneAlone() throws Exception {
        Path script = Path.of("fixtures/make_quickstart_model.py");
        String text = Files.readString(script, StandardCharsets.UTF_8);
        Matcher pip = Pattern.compile("PIP = \"(pip install [^\"]+)\"").matcher(text);
        assertTrue(pip.find(), script + " names its pip install line");
        for (Path page : List.of(Path.of(PAGE), Path.of("fixtures/README.md"), script)) {
            String flat = Files.readString(page, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
            assertTrue(flat.contains(pip.group(1)), page + " gives " + pip.group(1));
            assertTrue(
                    flat.contains("python3 fixtures/make_quickstart_model.py --data wine --out "), page + " runs it");
        }
        List<Path> usersPath = new ArrayList<>(
                List.of(Path.of("README.md"), Path.of(PAGE), script, Path.of("fixtures/make_quickstart_boosters.py")));
        try (var files = Files.list(Path.of("docs/examples"))) {
            files.filter(f -> f.toString().endsWith(".py")).forEach(usersPath::add);
        }
        for (Path file : usersPath) {
            assertTrue(
                    !Files.readString(file, StandardCharsets.UTF_8).contains("../shared"),
                    file + " is a user's path: it reads nothing beside the clone");
        }
        List<String> pinned = new ArrayList<>(
                List.of(PYTHON, RESOURCES.resolve("pinned_versions.py").toString()));
        pinned.addAll(List.of(pip.group(1).substring("pip install ".length()).split(" ")));
        String wrong = python(pinned, List.of());
        assumeTrue(
                wrong == null || !wrong.contains("not importable"), "scikit-learn and skl2onnx import here: " + wrong);
        assertEquals(null, wrong, "the pins are the versions here");
        Path wine = scratch.resolve("wine");
        run(List.of(PYTHON, script.toString(), "--data", "wine", "--out", wine.toString()));
        for (String made : List.of("wine-classifier.onnx", "train.csv", "calibration.csv")) {
            assertTrue(Files.size(wine.resolve(made)) > 0, made);
        }
        Path iris = scratch.resolve("iris");
        // PYTHONHASHSEED=0: what the script re-runs itself with, set already (one start of Python instead of two)
        run(List.of(PYTHON, script.toString(), "--out", iris.toString()), Map.of("PYTHONHASHSEED", "0"));
        Path committed = Path.of("src/test/resources/org/tabserve/fixtures/quickstart");
        for (String made : List.of("iris-classifier.onnx", "train.csv", "calibration.csv")) {
            assertEquals(-1L, Files.mismatch(committed.resolve(made), iris.resolve(made)), made + " as committed");
        }
    }

    /** What the command prints, ending with status 0, under the vendored {@code PYTHONPATH}. */
    private static String run(List<String> command) throws Exception {
        return run(command, Map.of());
    }

    /** As {@link #run(List)}, with these variables besides. */
    private static String run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", VENDORED);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), printed);
        return printed;
    }
}
