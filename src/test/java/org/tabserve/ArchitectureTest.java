package org.tabserve;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * The ONNX graph reader's files in model/onnx. They read the protobuf themselves, so they import only the JDK and
     * each other: never ONNX Runtime (which will own its session in the same package) nor a protobuf library.
     */
    private static final List<String> GRAPH_READER = List.of(
            "WireReader", "GraphParser", "OnnxGraph", "OnnxNode", "OnnxAttribute", "OnnxTensor", "OnnxValueInfo",
            "OnnxType", "Dimension", "ElementType", "OnnxFormatException", "GraphFacts", "FactFinder", "GraphNames");

    @Test
    void theGraphReaderImportsOnlyTheJdk() throws IOException {
        Path onnx = Path.of("src/main/java/org/tabserve/model/onnx");
        for (String type : GRAPH_READER) {
            Path file = onnx.resolve(type + ".java");
            assertTrue(Files.isRegularFile(file), "the graph reader has " + file);
            List<String> forbidden = imports(file).stream()
                    .filter(i -> !i.startsWith("java.") && !i.startsWith("org.tabserve.model.onnx."))
                    .toList();
            assertEquals(List.of(), forbidden, type + " must read the graph without ONNX Runtime or protobuf");
        }
    }

    @Test
    void nothingServedImportsTheTrainer() throws IOException {
        List<String> intoTrain = imports(Path.of("src/main/java")).stream()
                .filter(i -> i.startsWith("org.tabserve.train") || i.startsWith("org.tribuo"))
                .toList();
        assertEquals(List.of(), intoTrain);
    }

    @Test
    void webTalksToTheModelButNeverToJettyOrTheLauncher() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/web"));
        assertTrue(imports.contains("org.tabserve.model.OnnxModel"), "web uses the model");
        List<String> forbidden = imports.stream()
                .filter(i -> i.startsWith("org.eclipse.jetty") || i.startsWith("org.tabserve.launcher")
                        || i.startsWith("ai.onnxruntime"))
                .toList();
        assertEquals(List.of(), forbidden, "web must run in any servlet container and reach ONNX Runtime only through model/");
    }

    /** Where the web app's packages are; the wiring is {@code web} itself, the rest stand one on another. */
    private static final Path WEB = Path.of("src/main/java/org/tabserve/web");

    @Test
    void httpPlumbingNeverReachesUpToTheRoutesOrTheWiring() throws IOException {
        assertTrue(webTypesUsed(WEB.resolve("api")).contains("org.tabserve.web.http.ResolvedModel"),
                "the scan reads the web app's imports");
        List<String> upward = webTypesUsed(WEB.resolve("http")).stream().filter(t -> !t.startsWith("org.tabserve.web.http.")).toList();
        assertEquals(List.of(), upward, "http is the floor every route stands on: it names no route package and not "
                + "the wiring (a route's path it needs goes into http's Routes)");
    }

    /**
     * api's readers that MLflow's parser reads its bodies with, until they move below the web layer into their own
     * package; nothing else of api may be used by a protocol.
     */
    private static final List<String> READERS_IN_API = List.of("org.tabserve.web.api.JsonCells",
            "org.tabserve.web.api.CsvRowsParser", "org.tabserve.web.api.PredictionJson");

    /**
     * Each protocol stands on http (and the readers) alone, never on another protocol, the pages or the wiring;
     * api uses v2 only for the protocol's tensor shape of an input (which the model's description shows), and v2's and
     * mlflow's names only in the OpenAPI document, until each protocol writes its own part of it.
     */
    @Test
    void eachProtocolStandsOnHttpAlone() throws IOException {
        Map<String, List<String>> allowed = Map.of(
                "v2", List.of(),
                "mlflow", READERS_IN_API,
                "api", List.of("org.tabserve.web.v2.V2InferRequestParser", "org.tabserve.web.v2.V2Json",
                        "org.tabserve.web.mlflow.InvocationsHandler",
                        "org.tabserve.web.mlflow.MlflowPingHandler", "org.tabserve.web.mlflow.MlflowRequestParser"));
        allowed.forEach((protocol, also) -> {
            try {
                List<String> used = webTypesUsed(WEB.resolve(protocol));
                assertTrue(used.stream().anyMatch(t -> t.startsWith("org.tabserve.web.http.")), protocol + " scanned");
                List<String> upward = used.stream()
                        .filter(t -> !t.startsWith("org.tabserve.web.http.")
                                && !t.startsWith("org.tabserve.web." + protocol + ".") && !also.contains(t))
                        .toList();
                assertEquals(List.of(), upward, protocol + " uses the shared plumbing only");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void thePagesStandOnApiAndNothingButTheWiringUsesThem() throws IOException {
        List<String> pages = webTypesUsed(WEB.resolve("pages")).stream()
                .filter(t -> !t.matches("org\\.tabserve\\.web\\.(http|api|v2|pages)\\.\\w+(\\.\\w+)*"))
                .toList();
        assertEquals(List.of(), pages, "pages draw what api and v2 give them, on the plumbing");
        for (String protocol : List.of("api", "mlflow", "v2", "http")) {
            List<String> intoPages = webTypesUsed(WEB.resolve(protocol)).stream()
                    .filter(t -> t.startsWith("org.tabserve.web.pages.")).toList();
            assertEquals(List.of(), intoPages, protocol + ": pages stand on api, never the other way round (the "
                    + "upload page comes in as an UploadView, handed a finished UploadPreview)");
        }
    }

    @Test
    void everyHandlerTakesItsModelAsAnArgumentNotFromTheRequest() throws IOException {
        // The model a request's path names is a ResolvedModel argument, never a request attribute or a thread-local.
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(WEB)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                for (String mark : List.of("ThreadLocal", "getRequestDispatcher(", ".forward(")) {
                    boolean staticFiles = file.endsWith(Path.of("http", "StaticServlet.java")) && mark.equals(".forward(");
                    if (source.contains(mark) && !staticFiles) {
                        found.add(file.getFileName() + ": " + mark);
                    }
                }
            }
        }
        assertEquals(List.of(), found, "only StaticServlet forwards, to the container's own file servlet");
    }

    @Test
    void nothingUsesTheWiring() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (file.getParent().equals(WEB)) {
                    continue; // the wiring itself
                }
                webTypesUsedIn(file).stream()
                        .filter(t -> t.matches("org\\.tabserve\\.web\\.[A-Z]\\w*"))
                        .forEach(t -> found.add(file.getFileName() + ": " + t));
            }
        }
        assertEquals(List.of(), found, "web.xml names the listener; no class may use it or anything beside it");
    }

    @Test
    void onlyTheModelImportsOnnxRuntime() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (!file.startsWith(Path.of("src/main/java/org/tabserve/model"))
                        && imports(file).stream().anyMatch(i -> i.startsWith("ai.onnxruntime"))) {
                    found.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), found);
    }

    /** The web app's types named in the files under {@code root}, by import or fully qualified. */
    private static List<String> webTypesUsed(Path root) throws IOException {
        List<String> used = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                used.addAll(webTypesUsedIn(file));
            }
        }
        return used;
    }

    private static final java.util.regex.Pattern WEB_TYPE =
            java.util.regex.Pattern.compile("org\\.tabserve\\.web(?:\\.[a-z]\\w*)*\\.[A-Z]\\w*");

    private static List<String> webTypesUsedIn(Path file) throws IOException {
        List<String> used = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.startsWith("package ")) {
                WEB_TYPE.matcher(line).results().forEach(m -> used.add(m.group()));
            }
        }
        return used;
    }

    @Test
    void theRepositoryStandsOnTheModelAloneAndNothingButTheWebAppCallsIt() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/repository"));
        assertTrue(imports.contains("org.tabserve.model.OnnxModel"), "the repository loads models");
        List<String> forbidden = imports.stream()
                .filter(i -> !i.startsWith("java.") && !i.startsWith("org.tabserve.model.")
                        && !i.startsWith("org.tabserve.repository."))
                .toList();
        assertEquals(List.of(), forbidden, "no servlet, Jetty, web or ONNX Runtime import: it must be usable alone");
        List<String> intoRepository = imports(Path.of("src/main/java/org/tabserve/model")).stream()
                .filter(i -> i.startsWith("org.tabserve.repository") || i.startsWith("org.tabserve.web"))
                .toList();
        assertEquals(List.of(), intoRepository, "the model knows nothing of who serves it");
    }

    @Test
    void theCardWriterUsesTheModelAloneNeverTheWebOrTribuo() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/card"));
        assertTrue(imports.contains("org.tabserve.model.CardKeys"), "the card writer spells keys with CardKeys");
        List<String> forbidden = imports.stream()
                .filter(i -> !i.startsWith("java.") && !i.startsWith("com.fasterxml.jackson.")
                        && !i.startsWith("org.tabserve.model.") && !i.startsWith("org.tabserve.card."))
                .toList();
        assertEquals(List.of(), forbidden, "the trainer and the card command share it; it needs the model only");
    }

    @Test
    void launcherKnowsNothingOfTheWebAppOrTheModel() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/launcher"));
        assertTrue(imports.stream().anyMatch(i -> i.startsWith("org.eclipse.jetty.")), "the launcher starts Jetty");
        List<String> forbidden = imports.stream()
                .filter(i -> i.startsWith("org.tabserve.web") || i.startsWith("org.tabserve.model")
                        || i.startsWith("org.tabserve.repository"))
                .toList();
        assertEquals(List.of(), forbidden);
    }

    @Test
    void noOtherLibrarysInternalsButTheSignalHandlerInItsOwnClass() throws IOException {
        // Internals break on an upgrade without a word: use them only where no supported API exists, in one class
        // whose test says when they change (StopSignals, for sun.misc.Signal).
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                boolean signals = file.endsWith(Path.of("launcher", "StopSignals.java"));
                for (String mark : List.of(".internal.", "sun.", "setAccessible(", "getDeclaredField(", "getDeclaredMethod(")) {
                    if (source.contains(mark) && !(signals && mark.equals("sun."))) {
                        found.add(file.getFileName() + ": " + mark);
                    }
                }
            }
        }
        assertEquals(List.of(), found);
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
