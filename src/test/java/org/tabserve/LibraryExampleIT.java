package org.tabserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.ConformalCards;
import org.tabserve.docs.DocShell;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.conformal.RowUncertainty;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.read.CellRows;
import org.tabserve.testing.CoreReactor;
import org.tabserve.testing.ForestTraining;

/**
 * docs/models.md's "Score in your own Java application", as a user would: its {@code pom.xml} and {@code Score.java}
 * written as the page has them into a project of their own, built and run by the page's commands with the Maven that
 * runs this build (offline when it is), on the model core as {@code mvn install} installs it (its module in a reactor
 * beside the project: {@link CoreReactor}, nothing installed). The example's answers for the bundled model.onnx, a
 * carded and calibrated classifier (explained and covered) and an XGBoost model.json trained here must be the core's
 * own (ModelLoader's model, the assembler every route answers with), to the bit; and the project's dependency tree,
 * which docs/development.md lists, must hold no servlet API, Jetty, Thymeleaf, Swagger, gRPC, metrics, tracing,
 * Redis, OIDC, object-store, Arrow or Parquet artifact.
 */
class LibraryExampleIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path PAGE = Path.of("docs", "models.md");
    private static final Map<String, Object> ROW =
            Map.of("variance", 3.62, "skewness", 8.67, "curtosis", -2.81, "entropy", -0.45);
    /** The groups none of whose artifacts the core may bring. */
    private static final List<String> FORBIDDEN = List.of(
            "jakarta.servlet",
            "org.eclipse.jetty",
            "org.thymeleaf",
            "io.swagger",
            "org.webjars",
            "io.grpc",
            "com.google.protobuf",
            "io.prometheus",
            "io.opentelemetry",
            "redis.clients",
            "com.nimbusds",
            "software.amazon",
            "org.apache.arrow",
            "org.apache.parquet",
            "org.slf4j");

    @Test
    void theDocsExampleBuildsOnTheCoreAloneAndAnswersAsTheCore() throws Exception {
        Path folder = ROOT.resolve("target").resolve("library-example");
        CoreReactor.deleteTree(folder);
        Path project = Files.createDirectories(folder.resolve("example"));
        Files.writeString(project.resolve("pom.xml"), block("xml"), StandardCharsets.UTF_8);
        Path sources = Files.createDirectories(project.resolve("src/main/java"));
        Files.writeString(sources.resolve("Score.java"), block("java"), StandardCharsets.UTF_8);
        Files.copy(ROOT.resolve("model.onnx"), project.resolve("model.onnx"));
        Path forged = ConformalCards.classifier(project);
        Path notes = project.resolve("notes.json");
        ForestTraining.xgboostNotes(20).saveModel(notes.toString());
        Path reactor = CoreReactor.of(folder, List.of("example"));

        String maven = System.getProperty("tabserve.maven.home", "").isEmpty()
                ? "mvn"
                : Path.of(System.getProperty("tabserve.maven.home"), "bin", "mvn")
                        .toString();
        String offline = System.getProperty("tabserve.maven.settings", "").equals("offline=true") ? " -o" : "";
        DocShell shell = DocShell.of("docs/models.md", "LibraryExampleIT")
                .in(project)
                .environment("JAVA_HOME", System.getProperty("java.home"))
                .environment("MAVEN_ARGS", "")
                .replace(
                        "mvn -B -q ",
                        maven + " -B -q" + offline + " -f " + reactor + " -Dmaven.repo.local="
                                + DocShell.localRepository() + " ")
                .replace("java -cp ", Path.of(System.getProperty("java.home"), "bin", "java") + " -cp ");
        shell.run(0, 600);
        String bundled = shell.run(1, 120);
        shell.run(2, 300);
        shell.assertAllRun();

        // The page's command again, on the other two models (the classifier explained and covered at 0.9).
        String java = shell.substituted(1);
        String covered = bash(project, java.replace("Score model.onnx", "Score " + forged + " 0.9"));
        String trees = bash(project, java.replace("Score model.onnx", "Score " + notes));

        for (Path model : List.of(project.resolve("model.onnx"), forged, notes)) {
            String printed = model.equals(forged) ? covered : model.equals(notes) ? trees : bundled;
            List<String> lines = printed.lines().toList();
            try (Model core = ModelLoader.load(model)) {
                Batch batch = batch(core);
                ScoredRows scored = AnswerAssembler.offline(core).score(batch);
                Prediction.Classification answer = (Prediction.Classification) scored.prediction(0);
                Map<String, Double> probabilities = new LinkedHashMap<>();
                for (int c = 0; c < answer.classes().size(); c++) {
                    probabilities.put(
                            answer.classes().get(c), answer.probabilities().get(c));
                }
                assertEquals(answer.label() + " " + probabilities, lines.get(0), model + ": " + printed);
                assertEquals(
                        "display_name: Text[text=" + core.card().displayName(answer.label()) + "]",
                        lines.get(2),
                        printed);
                assertEquals(answer.label(), lines.get(lines.size() - (model.equals(forged) ? 3 : 2)), printed);
                assertTrue(
                        lines.get(lines.size() - (model.equals(forged) ? 2 : 1))
                                .matches("\\[Problem\\[field=\\w+, message=.+, row=null]]"),
                        printed);
                if (model.equals(forged)) {
                    Explanation explanation = new Explainer(core, core.card().background(), true).explain(batch, 0);
                    RowUncertainty at = RowUncertainty.at(core.card().conformal(), 0.9);
                    AnsweredRow expected =
                            new AnsweredRow.Scored(answer, null, null, explanation, at.of(batch, 0, answer));
                    String values = lines.get(lines.size() - 1);
                    for (AnswerField field :
                            List.of(AnswerField.EXPLANATION, AnswerField.PREDICTION_SET, AnswerField.COVERAGE)) {
                        String value = field.key() + "=" + field.value(expected);
                        assertTrue(values.contains(value), value + " in " + values);
                    }
                }
            }
        }

        List<String> tree = Files.readAllLines(project.resolve("tree.txt"), StandardCharsets.UTF_8);
        List<String> artifacts = new ArrayList<>();
        for (String line : tree.subList(1, tree.size())) { // the first line is the project itself
            artifacts.add(line.replaceFirst("^[|+\\\\\\- ]+", ""));
        }
        List<String> forbidden = artifacts.stream()
                .filter(a -> FORBIDDEN.stream().anyMatch(g -> a.startsWith(g + ":") || a.startsWith(g + ".")))
                .toList();
        assertEquals(List.of(), forbidden, String.join("\n", tree));
        assertEquals(documented(), artifacts.stream().sorted().toList(), String.join("\n", tree));
    }

    /** The bank note of the page's example, checked as the example's facade checks it. */
    private static Batch batch(Model core) {
        List<String> names = core.signature().featureNames();
        Object[] cells = new Object[names.size()];
        for (int f = 0; f < cells.length; f++) {
            cells[f] = ROW.get(names.get(f));
        }
        List<Object[]> rows = new ArrayList<>();
        rows.add(cells);
        return CellRows.check(core.signature(), rows).batch();
    }

    /** The fenced block of {@code language} after the page's {@code <!-- read by: LibraryExampleIT -->}. */
    private static String block(String language) throws IOException {
        Matcher found = Pattern.compile(
                        "<!-- read by: LibraryExampleIT -->\\n```" + language + "\\n(.*?)```\\n", Pattern.DOTALL)
                .matcher(Files.readString(PAGE, StandardCharsets.UTF_8));
        assertTrue(found.find(), PAGE + " has a ```" + language + " block read by LibraryExampleIT");
        return found.group(1);
    }

    /** docs/development.md's list of the jars the core brings, sorted (its block read by this test). */
    private static List<String> documented() throws IOException {
        Matcher found = Pattern.compile("<!-- read by: LibraryExampleIT -->\\n```text\\n(.*?)```\\n", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("docs", "development.md"), StandardCharsets.UTF_8));
        assertTrue(found.find(), "docs/development.md lists the core's jars");
        return found.group(1).lines().map(String::strip).sorted().toList();
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String bash(Path folder, String command) throws Exception {
        Path said = Files.createTempFile(folder, "stderr", ".txt"); // the core's log lines (java.util.logging)
        Process process = new ProcessBuilder("bash", "-c", command)
                .directory(folder.toFile())
                .redirectError(said.toFile())
                .start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), command);
        assertEquals(0, process.exitValue(), () -> command + ":\n" + printed + readString(said));
        return printed;
    }
}
