package org.tabserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the dependency arrows of docs/development.md true by reading every import of every package. */
class ArchitectureTest {

    private static final Path MODEL = Path.of("src/main/java/org/tabserve/model");

    /** The house's size rule (issue 35): a class past 400 lines has a second job that wants its own class. */
    @Test
    void noMainClassPassesFourHundredLines() throws IOException {
        List<String> tooLong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                long lines = Files.readAllLines(file).size();
                if (lines > 400) {
                    tooLong.add(file + " (" + lines + " lines)");
                }
            }
        }
        assertEquals(List.of(), tooLong);
    }

    /**
     * The house's size rule for packages (issue 80): past {@link #MAX_FILES_PER_PACKAGE} Java files a package holds
     * more than one job, and is split by job, each in a package of its own.
     */
    @Test
    void noMainPackagePassesTwentyFiveFiles() throws IOException {
        List<String> large = new ArrayList<>();
        int packages = 0;
        try (Stream<Path> dirs = Files.walk(Path.of("src/main/java"))) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                long files;
                try (Stream<Path> listed = Files.list(dir)) {
                    files = listed.filter(f -> f.toString().endsWith(".java")).count();
                }
                packages += files > 0 ? 1 : 0;
                if (files > MAX_FILES_PER_PACKAGE) {
                    large.add(dir + " (" + files + " files)");
                }
            }
        }
        assertTrue(packages > 50, "the scan found the main packages: " + packages);
        assertEquals(List.of(), large, "a package of more than " + MAX_FILES_PER_PACKAGE + " files is split by job");
    }

    /**
     * The model core's packages by floor from the ground (issue 80): what a model takes and gives (its signature, a
     * batch, a prediction, its exception), how sure an answer is (conformal sets), what a model says about itself (the
     * card), and beside each other the Shapley explanations and the live profiles. Each names (by import, or fully
     * qualified) only the packages on the floors below its own, never one on its floor or above, nor the package of
     * the {@code Model} interface ({@code org.tabserve.model}) that stands on them all; {@code model.onnx} and
     * {@code model.answer} stand above that.
     */
    private static final List<List<String>> MODEL_FLOORS =
            List.of(List.of("signature"), List.of("conformal"), List.of("card"), List.of("explain", "live"));

    /** A type of the model core: of the {@code Model} interface's package or of one on {@link #MODEL_FLOORS}. */
    private static final java.util.regex.Pattern MODEL_CORE_TYPE =
            java.util.regex.Pattern.compile("org\\.tabserve\\.model\\.(?:(?:"
                    + String.join(
                            "|", MODEL_FLOORS.stream().flatMap(List::stream).toList())
                    + ")\\.)?[A-Z]\\w*");

    /** The model core's packages: the {@code Model} interface's and those on {@link #MODEL_FLOORS}. */
    private static List<Path> modelCore() {
        List<Path> core = new ArrayList<>(List.of(MODEL));
        MODEL_FLOORS.stream().flatMap(List::stream).forEach(job -> core.add(MODEL.resolve(job)));
        return core;
    }

    @Test
    void theModelCoreImportsOnlyTheJdkAndItself() throws IOException {
        List<String> imports = new ArrayList<>();
        for (Path dir : modelCore()) {
            imports.addAll(importsIn(dir));
        }
        assertTrue(imports.size() > 10, "the scan found the model's imports: " + imports.size());
        List<String> forbidden = imports.stream()
                .filter(i ->
                        !i.startsWith("java.") && !MODEL_CORE_TYPE.matcher(i).lookingAt())
                .toList();
        assertEquals(
                List.of(),
                forbidden,
                "model/ and its jobs' packages hold the Model interface and the runtime-free value types: no ONNX"
                        + " Runtime, no model.onnx or model.answer (the arrows are onnx -> model and answer -> model),"
                        + " no HTTP, Jetty or Tribuo");
    }

    /**
     * The model's packages that stand above the {@code Model} interface: its runtimes and readers (ONNX, the trained
     * forests' files, MLflow directories), the loader that chooses among them, and the answers.
     */
    private static final List<String> ABOVE_THE_MODEL = List.of("onnx", "answer", "mlflow", "trees", "loading");

    private static final java.util.regex.Pattern MODEL_TYPE =
            java.util.regex.Pattern.compile("org\\.tabserve\\.model((?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*");

    @Test
    void theModelsJobsStandEachOnTheFloorsBelowItAndNeverOnTheModelInterface() throws IOException {
        List<String> jobs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(MODEL)) {
            dirs.filter(Files::isDirectory)
                    .map(d -> d.getFileName().toString())
                    .filter(d -> !ABOVE_THE_MODEL.contains(d))
                    .forEach(jobs::add);
        }
        assertEquals(
                MODEL_FLOORS.stream().flatMap(List::stream).sorted().toList(),
                jobs.stream().sorted().toList(),
                "every package of the model's jobs (but " + ABOVE_THE_MODEL + ", above the model) stands on a floor of"
                        + " MODEL_FLOORS");
        List<String> below = new ArrayList<>();
        List<String> named = new ArrayList<>();
        List<String> upward = new ArrayList<>();
        for (List<String> floor : MODEL_FLOORS) {
            for (String job : floor) {
                List<Path> files;
                try (Stream<Path> listed = Files.list(MODEL.resolve(job))) {
                    files = listed.filter(f -> f.toString().endsWith(".java")).toList();
                }
                for (Path file : files) {
                    for (String line : Files.readAllLines(file)) {
                        if (line.startsWith("package ")) {
                            continue;
                        }
                        java.util.regex.Matcher m = MODEL_TYPE.matcher(line);
                        while (m.find()) {
                            String into = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                            if (!into.equals(job)) {
                                named.add(job + " -> " + into);
                                if (!below.contains(into)) {
                                    upward.add(file.getFileName() + ": " + m.group());
                                }
                            }
                        }
                    }
                }
            }
            below.addAll(floor);
        }
        assertTrue(
                named.contains("explain -> card")
                        && named.contains("card -> conformal")
                        && named.contains("conformal -> signature"),
                "the scan found the arrows between the model's packages: " + named);
        assertEquals(
                List.of(),
                upward,
                "a package of the model's jobs names only those on the floors below it; what it needs of a model comes"
                        + " in through an interface of its own (explain's ExplainedModel, which Model extends)");
    }

    /**
     * No two files of one package of the model, of the repository or of the launcher, their sub-packages included, name
     * each other (issue 80):
     * where a part needs the whole, it is handed a narrow interface of its own ({@code ModelSignature.Rows}, which a
     * batch is, for the model's check of whole rows; the repository's {@code RepositoryState} for its helpers), or what
     * both need moves down a file ({@code ExplanationMeter}, {@code LiveKind}, a lease's {@code Generation}), so that
     * each package's files stand one way.
     */
    @Test
    void noTwoFilesOfAPackageOfTheModelTheRepositoryOrTheLauncherNameEachOther() throws IOException {
        List<String> pairs = new ArrayList<>();
        List<String> named = new ArrayList<>();
        List<Path> packages = new ArrayList<>();
        for (Path root : List.of(MODEL, Path.of("src/main/java/org/tabserve/repository"), LAUNCHER)) {
            try (Stream<Path> walked = Files.walk(root)) {
                walked.filter(Files::isDirectory).forEach(packages::add);
            }
        }
        for (Path dir : packages) {
            Map<String, String> code = new java.util.TreeMap<>();
            try (Stream<Path> listed = Files.list(dir)) {
                for (Path file : listed.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"))
                        .toList()) {
                    code.put(file.getFileName().toString().replace(".java", ""), codeOf(file));
                }
            }
            for (String a : code.keySet()) {
                for (String b : code.keySet()) {
                    boolean ab = java.util.regex.Pattern.compile("\\b" + b + "\\b")
                            .matcher(code.get(a))
                            .find();
                    if (!a.equals(b) && ab) {
                        named.add(a + " -> " + b);
                        if (a.compareTo(b) < 0
                                && java.util.regex.Pattern.compile("\\b" + a + "\\b")
                                        .matcher(code.get(b))
                                        .find()) {
                            pairs.add(dir.getFileName() + ": " + a + " <-> " + b);
                        }
                    }
                }
            }
        }
        assertTrue(
                named.contains("Batch -> ModelSignature")
                        && named.contains("Explainer -> CoalitionRows")
                        && named.contains("LoaderPool -> RepositoryState")
                        && named.contains("Main -> SecondJvm")
                        && named.contains("TreeEnsembleReader -> TreeEnsemble")
                        && named.contains("S3Mirror -> DownloadRecorder"),
                "the scan found the arrows between the model core's files: " + named);
        assertEquals(List.of(), pairs, "two files of a package that name each other are one job, or want an interface");
    }

    /** The code of a Java file without its comments and string literals. */
    private static String codeOf(Path file) throws IOException {
        return Files.readString(file)
                .replaceAll("(?s)/\\*.*?\\*/", "")
                .replaceAll("//[^\n]*", "")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\\n])*\"", "\"\"");
    }

    @Test
    void theOnnxRuntimeModelImportsTheJdkOnnxRuntimeJacksonAndTheModel() throws IOException {
        List<String> imports = importsIn(MODEL.resolve("onnx"));
        assertTrue(imports.contains("org.tabserve.model.Model"), "the scan found model.onnx's imports");
        List<String> forbidden = imports.stream()
                .filter(i -> !i.startsWith("java.")
                        && !i.startsWith("ai.onnxruntime.")
                        && !i.startsWith("com.fasterxml.jackson.")
                        && !i.startsWith("org.tabserve.model."))
                .toList();
        assertEquals(List.of(), forbidden);
    }

    /**
     * The ONNX graph reader (model.onnx.graph) reads the protobuf itself, so it imports only the JDK and itself:
     * never ONNX Runtime nor a protobuf library, so it can read a model that ONNX Runtime would refuse and say why.
     */
    @Test
    void theGraphReaderImportsOnlyTheJdk() throws IOException {
        Path graph = MODEL.resolve("onnx/graph");
        assertTrue(Files.isRegularFile(graph.resolve("GraphParser.java")), "the graph reader is in " + graph);
        List<String> forbidden = imports(graph).stream()
                .filter(i -> !i.startsWith("java.") && !i.startsWith("org.tabserve.model.onnx.graph."))
                .toList();
        assertEquals(List.of(), forbidden, "the graph reader must read the graph without ONNX Runtime or protobuf");
    }

    /**
     * The graph's three floors, no circle between them: the reader ({@code graph}) knows neither the operators
     * ({@code graph.ml}) nor the facts ({@code graph.facts}); the operators read the reader's nodes and never the facts.
     */
    @Test
    void theGraphReaderTheOperatorsAndTheFactsStandOnEachOtherOneWay() throws IOException {
        Path graph = MODEL.resolve("onnx/graph");
        List<String> reader = importsIn(graph);
        List<String> operators = importsIn(graph.resolve("ml"));
        assertTrue(
                importsIn(graph.resolve("facts")).stream().anyMatch(i -> i.contains(".graph.ml.")),
                "the scan found the facts' imports of the operators");
        assertEquals(
                List.of(),
                reader.stream()
                        .filter(i -> i.contains(".graph.ml.") || i.contains(".graph.facts."))
                        .toList(),
                "the reader names no operator and no fact");
        assertEquals(
                List.of(),
                operators.stream().filter(i -> i.contains(".graph.facts.")).toList(),
                "the operators name no fact");
    }

    /** A fully qualified name of tabserve's or ONNX Runtime's, in an import, a static import, code or a comment. */
    private static final java.util.regex.Pattern OUR_OR_ORT_TYPE =
            java.util.regex.Pattern.compile("(?:ai\\.onnxruntime|org\\.tabserve)(?:\\.[a-z]\\w*)*\\.[A-Z]\\w*");

    /**
     * What each package below {@code model.onnx} may name beside the JDK, the model's types, the graph reader and
     * itself, and one name its scan must find: the card's reader (Jackson), the exact explanations' arithmetic, the
     * plain graphs, the engine choice (the plain graphs it feeds) and the model file's copy.
     */
    private static final Map<String, List<String>> BELOW_THE_ONNX_RUNTIME_MODEL = Map.of(
            "cardread", List.of("org.tabserve.model.card.CardKeys", "com.fasterxml.jackson."),
            "shapley", List.of("org.tabserve.model.onnx.graph.OnnxNode"),
            "plain", List.of("org.tabserve.model.onnx.graph.OnnxNode"),
            "engine", List.of("org.tabserve.model.onnx.plain.PlainGraph", "org.tabserve.model.onnx.plain."),
            "copy", List.of("org.tabserve.model.signature.ModelException"));

    /**
     * The card's reader ({@code model.onnx.cardread}), the exact explanations' arithmetic ({@code model.onnx.shapley}),
     * the plain graphs ({@code model.onnx.plain}), the engine choice and its load-time check ({@code
     * model.onnx.engine}) and the model file's copy ({@code model.onnx.copy}) stand below {@code model.onnx}, which
     * imports them: none names ONNX Runtime, {@code model.onnx}'s own classes or another of them (but the engine
     * choice the plain graphs it feeds), by import or by a fully qualified name; they stand on the model's types and
     * the graph reader alone (and the card on Jackson).
     */
    @Test
    void thePackagesBelowTheOnnxRuntimeModelStandWithoutIt() throws IOException {
        List<String> above = importsIn(MODEL.resolve("onnx"));
        for (Map.Entry<String, List<String>> entry : BELOW_THE_ONNX_RUNTIME_MODEL.entrySet()) {
            String below = entry.getKey();
            Path dir = MODEL.resolve("onnx").resolve(below);
            assertTrue(
                    above.stream().anyMatch(i -> i.startsWith("org.tabserve.model.onnx." + below + ".")),
                    "model.onnx stands on model.onnx." + below);
            List<String> named = new ArrayList<>(imports(dir));
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(file)) {
                        if (!line.startsWith("package ")) {
                            OUR_OR_ORT_TYPE.matcher(line).results().forEach(m -> named.add(m.group()));
                        }
                    }
                }
            }
            assertTrue(named.contains(entry.getValue().get(0)), "the scan found " + below + "'s names");
            List<String> mayAlsoName =
                    entry.getValue().subList(1, entry.getValue().size());
            List<String> forbidden = named.stream()
                    .filter(i -> !i.startsWith("java.")
                            && mayAlsoName.stream().noneMatch(i::startsWith)
                            && !MODEL_CORE_TYPE.matcher(i).lookingAt()
                            && !i.startsWith("org.tabserve.model.onnx.graph.")
                            && !i.startsWith("org.tabserve.model.onnx." + below + "."))
                    .toList();
            assertEquals(
                    List.of(),
                    forbidden,
                    "model.onnx." + below
                            + " stands below model.onnx: no ONNX Runtime, no model.onnx class, no arrow up");
        }
    }

    @Test
    void outsideTheModelOnlyTheLoaderOfTheOnnxRuntimeModelIsNamed() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(MODEL))
                    .toList()) {
                imports(file).stream()
                        .filter(i -> i.startsWith("org.tabserve.model.onnx.")
                                && !i.equals("org.tabserve.model.onnx.OnnxModelLoader")
                                && !i.startsWith("org.tabserve.model.onnx.graph."))
                        .forEach(i -> found.add(file.getFileName() + ": " + i));
            }
        }
        assertEquals(
                List.of(),
                found,
                "everything outside model/ uses the Model interface; it gets one from " + "OnnxModelLoader");
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
        assertTrue(imports.contains("org.tabserve.model.Model"), "web uses the model");
        List<String> forbidden = imports.stream()
                .filter(i -> i.startsWith("org.eclipse.jetty")
                        || i.startsWith("org.tabserve.launcher")
                        || i.startsWith("ai.onnxruntime"))
                .toList();
        assertEquals(
                List.of(),
                forbidden,
                "web must run in any servlet container and reach ONNX Runtime only through model/");
    }

    /**
     * What rows/ may import: the JDK, Jackson, commons-csv (and commons-io's byte-order-mark reader, which a CSV is read
     * through), Apache Arrow (its IPC streams' reader and writer) and commons-compress's LZ4 frames (their compressed
     * buffers), parquet-java and snappy-java (Parquet files' reader and writer), the model's types and itself; never a servlet, the web app, or the model's ONNX Runtime side.
     */
    private static final List<String> ROWS_MAY_IMPORT = List.of(
            "java.",
            "com.fasterxml.jackson.",
            "org.apache.commons.csv.",
            "org.apache.commons.io.",
            "org.apache.arrow.",
            "org.apache.commons.compress.compressors.lz4.",
            "org.apache.parquet.",
            "org.xerial.snappy.",
            "org.tabserve.model.",
            "org.tabserve.rows.");

    @Test
    void rowsImportsOnlyTheJdkJacksonCommonsCsvAndTheModel() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/rows"));
        assertTrue(imports.contains("org.apache.commons.csv.CSVParser"), "the scan found the rows' imports");
        List<String> forbidden = imports.stream()
                .filter(i ->
                        ROWS_MAY_IMPORT.stream().noneMatch(i::startsWith) || i.startsWith("org.tabserve.model.onnx."))
                .toList();
        assertEquals(
                List.of(),
                forbidden,
                "rows are read and written alike by the servlets and the command line: "
                        + "no servlet, no web type (its refusals are RowsExceptions, which web maps to HTTP in one place)");
        assertEquals(List.of(), webTypesUsed(Path.of("src/main/java/org/tabserve/rows")), "rows name no web type");
    }

    /**
     * The types that score rows (issue 80, scoring in one room): the model itself ({@code Model}, whose
     * {@code predict} runs it, its {@code Engine}, and {@code ExplainedModel}, whose {@code explain} does), what runs it for a caller in the model's
     * answer package ({@code BatchScoring}, {@code AnswerAssembler}, the upload's {@code ChunkScorer}, the scoring
     * loop of {@code InPlaceRefusals}), the explainer, the ONNX Runtime model and serving's entry point and jobs.
     */
    private static final java.util.regex.Pattern SCORING_TYPE = java.util.regex.Pattern.compile("\\borg\\.tabserve\\."
            + "(?:model\\.(?:Model|Engine|answer\\.(?:BatchScoring|AnswerAssembler|ChunkScorer|InPlaceRefusals)"
            + "|explain\\.(?:\\w*Explainer|ExplainedModel)|onnx\\.[\\w.]+)|serving\\.[\\w.]+)\\b");

    /**
     * rows only reads and writes (issue 80): no class of {@code org.tabserve.rows} or its packages names a
     * {@link #SCORING_TYPE}, by import or fully qualified in its code (a comment may point to one), so that scoring
     * has one room, the model's answer package: rows hands over the rows it read ({@code model.answer.ChunkRows},
     * {@code CellRows.Checked}) and receives their answers to write ({@code ChunkAnswers}, {@code ScoredRows}).
     */
    @Test
    void rowsNamesNoTypeThatScores() throws IOException {
        List<String> found = new ArrayList<>();
        int named = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/org/tabserve/rows"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
                        continue;
                    }
                    named += line.contains("org.tabserve.model.") ? 1 : 0;
                    if (SCORING_TYPE.matcher(line).find()) {
                        found.add(file + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        assertTrue(named > 50, "the scan read the rows' names of the model's types: " + named);
        assertTrue(
                SCORING_TYPE
                                .matcher("import org.tabserve.model.answer.ChunkScorer;")
                                .find()
                        && SCORING_TYPE
                                .matcher("import org.tabserve.model.Model;")
                                .find()
                        && !SCORING_TYPE
                                .matcher("import org.tabserve.model.answer.ChunkAnswers;")
                                .find()
                        && !SCORING_TYPE
                                .matcher("import org.tabserve.model.signature.ModelSignature;")
                                .find(),
                "the rule tells a scoring type from a type of the rows handed over or their answers");
        assertEquals(
                List.of(),
                found,
                "rows only reads and writes: score through the model's answer package (ChunkScorer for an upload's"
                        + " chunks, BatchScoring.scoreKept for CellRows' checked rows), handing it the rows read and"
                        + " writing the answers it hands back");
    }

    /**
     * The rows' packages by floor from the ground (issue 62): the words every floor shares (a field's problem, the
     * refusal, numbers' and JSON's text), the JSON parts of an answer, the one pass every reader runs (and CSV's reader
     * on it), the formats' readers, the writers of the answer table; the table of formats ({@code org.tabserve.rows})
     * stands on them all. Each package imports only those on the floors below its own, never one on its floor or
     * above, so that no two import each other.
     */
    private static final List<List<String>> ROWS_FLOORS = List.of(
            List.of("field"),
            List.of("answerjson"),
            List.of("read"),
            List.of("json", "arrow"),
            List.of("parquet"),
            List.of("write"));

    @Test
    void rowsPackagesStandEachOnTheFloorsBelowItAndNeverOnTheTableOfFormats() throws IOException {
        Path rows = Path.of("src/main/java/org/tabserve/rows");
        List<String> packages = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(rows)) {
            dirs.filter(Files::isDirectory)
                    .forEach(d -> packages.add(d.getFileName().toString()));
        }
        assertEquals(
                ROWS_FLOORS.stream().flatMap(List::stream).sorted().toList(),
                packages.stream().sorted().toList(),
                "every package of rows stands on a floor of ROWS_FLOORS");
        List<String> below = new ArrayList<>();
        List<String> named = new ArrayList<>();
        List<String> upward = new ArrayList<>();
        for (List<String> floor : ROWS_FLOORS) {
            for (String room : floor) {
                for (String i : importsIn(rows.resolve(room))) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                                    "org\\.tabserve\\.rows((?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*")
                            .matcher(i);
                    if (!m.lookingAt()) {
                        continue;
                    }
                    String into = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                    if (!into.equals(room)) {
                        named.add(room + " -> " + into);
                        if (!below.contains(into)) {
                            upward.add(room + ": " + i);
                        }
                    }
                }
            }
            below.addAll(floor);
        }
        assertTrue(
                named.contains("read -> field")
                        && named.contains("parquet -> arrow")
                        && named.contains("write -> read"),
                "the scan found the arrows between the rows' packages: " + named);
        assertEquals(List.of(), upward, "a package of rows imports only those on the floors below it");
    }

    @Test
    void thePredictionLogStandsOnTheModelAndTheRowsWriter() throws IOException {
        Path root = Path.of("src/main/java/org/tabserve/predictionlog");
        List<String> imports = imports(root);
        assertTrue(imports.contains("org.tabserve.rows.answerjson.PredictionJson"), "the scan found the log's imports");
        List<String> forbidden = imports.stream()
                .filter(i -> Stream.of(
                                        "java.",
                                        "com.fasterxml.jackson.",
                                        "io.prometheus.metrics.",
                                        "org.tabserve.model.",
                                        "org.tabserve.rows.",
                                        "org.tabserve.files.") // the checks of files written: the JDK alone
                                .noneMatch(i::startsWith)
                        || i.startsWith("org.tabserve.model.onnx."))
                .toList();
        assertEquals(List.of(), forbidden, "the log knows no servlet and no web type: web hands it scored batches");
        assertEquals(List.of(), webTypesUsed(root), "the log names no web type");
    }

    @Test
    void theCommandLineNeverUsesTheWebApp() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/cli"));
        assertTrue(imports.contains("org.tabserve.rows.CsvFiles"), "the commands read CSV files through rows");
        List<String> forbidden = imports.stream()
                .filter(i -> i.startsWith("org.tabserve.web") || i.startsWith("jakarta.servlet"))
                .toList();
        assertEquals(List.of(), forbidden, "cli stands on rows and the model, never on web");
        assertEquals(List.of(), webTypesUsed(Path.of("src/main/java/org/tabserve/cli")), "cli names no web type");
    }

    /** Where the web app's packages are; the wiring is {@code web} itself, the rest stand one on another. */
    private static final Path WEB = Path.of("src/main/java/org/tabserve/web");

    @Test
    void httpPlumbingNeverReachesUpToTheRoutesOrTheWiring() throws IOException {
        assertTrue(
                webTypesUsed(WEB.resolve("api")).contains("org.tabserve.web.http.HttpProblem"),
                "the scan reads the web app's imports");
        List<String> upward = webTypesUsed(WEB.resolve("http")).stream()
                .filter(t -> !t.startsWith("org.tabserve.web.http."))
                .toList();
        assertEquals(
                List.of(),
                upward,
                "http is the floor every route stands on: it names no route package and not "
                        + "the wiring (a route's path it needs goes into http's Routes)");
    }

    /**
     * The HTTP plumbing's packages by floor from the ground: {@code web.http} itself (the route table, the one error
     * type and its renderer, JSON, the settings, views), then its jobs, each naming (by import, or fully qualified)
     * only the packages on the floors below its own: what a request asks ({@code request}) and who is calling
     * ({@code auth}), the limits (back-pressure and bounded inputs), and the servlets and filters the container runs
     * beside the route servlet ({@code container}). So no two of them import each other.
     */
    private static final List<List<String>> HTTP_FLOORS =
            List.of(List.of(""), List.of("request", "auth"), List.of("limits", "auth.login"), List.of("container"));

    /** The most Java files one package may hold, its package-info among them: past it, it is split by job. */
    private static final int MAX_FILES_PER_PACKAGE = 25;

    private static final java.util.regex.Pattern HTTP_TYPE =
            java.util.regex.Pattern.compile("org\\.tabserve\\.web\\.http((?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*");

    @Test
    void httpsPackagesStandEachOnTheFloorsBelowItAndStaySmall() throws IOException {
        Path http = WEB.resolve("http");
        List<String> packages = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(http)) {
            dirs.filter(Files::isDirectory)
                    .forEach(d -> packages.add(http.relativize(d).toString().replace('/', '.')));
        }
        assertEquals(
                HTTP_FLOORS.stream().flatMap(List::stream).sorted().toList(),
                packages.stream().sorted().toList(),
                "every package of the HTTP plumbing stands on a floor of HTTP_FLOORS");
        List<String> below = new ArrayList<>();
        List<String> named = new ArrayList<>();
        List<String> upward = new ArrayList<>();
        List<String> large = new ArrayList<>();
        for (List<String> floor : HTTP_FLOORS) {
            for (String pkg : floor) {
                List<Path> files;
                try (Stream<Path> listed = Files.list(http.resolve(pkg.replace('.', '/')))) {
                    files = listed.filter(f -> f.toString().endsWith(".java")).toList();
                }
                if (files.size() > MAX_FILES_PER_PACKAGE) {
                    large.add("web.http" + (pkg.isEmpty() ? "" : "." + pkg) + " has " + files.size() + " files");
                }
                for (Path file : files) {
                    for (String line : Files.readAllLines(file)) {
                        if (line.startsWith("package ")) {
                            continue;
                        }
                        java.util.regex.Matcher m = HTTP_TYPE.matcher(line);
                        while (m.find()) {
                            String into = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                            if (!into.equals(pkg)) {
                                named.add(pkg + " -> " + into);
                                if (!below.contains(into)) {
                                    upward.add(file.getFileName() + ": " + m.group());
                                }
                            }
                        }
                    }
                }
            }
            below.addAll(floor);
        }
        assertTrue(
                named.contains("limits -> ") && named.contains("container -> limits") && named.contains("auth -> "),
                "the scan found the arrows between the HTTP plumbing's packages: " + named);
        assertEquals(List.of(), upward, "a package of the HTTP plumbing names only those on the floors below it");
        assertEquals(List.of(), large, "a package of more than " + MAX_FILES_PER_PACKAGE + " files is split by job");
    }

    /**
     * Each protocol stands on http and the OpenAPI builders alone (its readers are in org.tabserve.rows, its model work
     * in org.tabserve.serving, below the web layer), never on another protocol, the pages or the wiring. The Open
     * Inference Protocol's gRPC transport (web.v2.grpc) stands on web.v2 too, whose request and answer code it shares;
     * web.v2 never names it.
     */
    @Test
    void eachProtocolStandsOnHttpAlone() throws IOException {
        for (String protocol : List.of("api", "mlflow", "v2", "v2.grpc", "metrics")) {
            List<String> used = webTypesUsedInPackage(WEB.resolve(protocol.replace('.', '/')));
            assertTrue(used.stream().anyMatch(t -> t.startsWith("org.tabserve.web.http.")), protocol + " scanned");
            List<String> own = protocol.equals("v2.grpc") ? List.of("v2.grpc", "v2") : List.of(protocol);
            List<String> upward = used.stream()
                    .filter(t -> !t.startsWith("org.tabserve.web.http.")
                            && !t.startsWith("org.tabserve.web.openapi.")
                            && own.stream().noneMatch(p -> packageOf(t).equals("org.tabserve.web." + p)))
                    .toList();
            assertEquals(List.of(), upward, protocol + " uses the shared plumbing and the OpenAPI builders only");
        }
        assertTrue(
                webTypesUsedInPackage(WEB.resolve("v2/grpc")).contains("org.tabserve.web.v2.V2Request"),
                "the scan found grpc's arrows into v2");
    }

    /** The package of a type {@link #webTypesUsed} found: its name up to the type's. */
    private static String packageOf(String type) {
        return type.substring(0, type.lastIndexOf('.'));
    }

    private static final Path SERVING = Path.of("src/main/java/org/tabserve/serving");

    /**
     * The per-request model work (the scoring entry point and the resolved model, and below them, in packages of their
     * own, explanations, rollouts, the metrics and drift, the answers kept for labels, the memory budget) needs no
     * servlet, no gRPC and no web type, so that every transport and the command line reach it alike; it stands on the
     * model, the rows, the repository and the prediction log, and nothing below it knows it.
     */
    @Test
    void servingStandsBelowTheWebAndAboveTheModel() throws IOException {
        List<String> imports = imports(SERVING);
        assertTrue(imports.contains("org.tabserve.repository.ModelRepository"), "the scan found serving's imports");
        assertTrue(
                imports.contains("org.tabserve.model.explain.Explainer"), "the scan read serving's packages' imports");
        List<String> forbidden = imports.stream()
                .filter(i -> !i.startsWith("java.")
                        && !i.startsWith("io.prometheus.metrics.")
                        && !i.startsWith(
                                "com.fasterxml.jackson.") // a rollout's JSON, read and written as the model's card is
                        && !i.matches(
                                "org\\.tabserve\\.(model|rows|repository|predictionlog|serving|files|outbound)\\..*")
                        && !REDIS_CLIENT.matcher(i).lookingAt() // the shared store's, serving.shared's alone (below)
                        && !i.startsWith(OPENTELEMETRY) // the traces', serving.trace.otel's alone (below)
                        && !i.startsWith(NIMBUS)) // OIDC tokens', serving.access.oidc's alone (below)
                .toList();
        assertEquals(List.of(), forbidden, "serving imports no servlet, gRPC, Jetty or web type");
        List<String> json = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SERVING)) {
            for (Path file : files.filter(
                            f -> f.toString().endsWith(".java") && !f.startsWith(SERVING.resolve("rollout")))
                    .toList()) {
                imports(file).stream()
                        .filter(i -> i.startsWith("com.fasterxml.jackson."))
                        .forEach(i -> json.add(file.getFileName() + ": " + i));
            }
        }
        assertEquals(List.of(), json, "Jackson is for a rollout's JSON alone: the routes write serving's answers");
        assertEquals(List.of(), webTypesUsed(SERVING), "serving names no web type");
        for (String below : List.of("model", "rows", "repository", "predictionlog", "cardmaking", "launcher")) {
            List<String> up = imports(Path.of("src/main/java/org/tabserve", below)).stream()
                    .filter(i -> i.startsWith("org.tabserve.serving."))
                    .toList();
            assertEquals(List.of(), up, below + " stands below serving");
        }
    }

    /**
     * One way in for every answer (issue 48): rows are scored through serving's entry point ({@code Scoring}), which
     * alone calls a request's model and the hooks every answer owes (metrics, drift, labels, rollouts, the prediction
     * log, novelty, explanations); a handler that called them itself could forget one. Outside serving and the model,
     * nothing calls a scoring's {@code predict}: the model's answer package's chunk scorer runs the entry point's
     * model calls on its pool.
     */
    @Test
    void onlyServingsEntryPointCallsTheModelAndTheHooksEveryAnswerOwes() throws IOException {
        // ResolvedModel's counter and ConformalAnswers are the entry point's package's alone by their visibility; a
        // model's predict is public, for the chunk scorer and the command line's offline scoring. The hooks that
        // serving's jobs keep in packages of their own below the entry point are public so that it can call them:
        // SERVING_HOOKS holds them to serving.
        java.util.regex.Pattern hooks = java.util.regex.Pattern.compile("\\.(predict|counted|counter)\\s*\\(");
        List<String> found = new ArrayList<>();
        List<String> hooksCalled = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/org/tabserve"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (file.startsWith(SERVING)) {
                    continue;
                }
                hooksCalled.addAll(servingHooksCalled(file));
                if (file.startsWith(MODEL)) {
                    continue;
                }
                scanned++;
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    java.util.regex.Matcher m = hooks.matcher(line);
                    if (m.find()
                            && !line.strip().startsWith("*")
                            && !line.strip().startsWith("//")) {
                        found.add(file + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertTrue(scanned > 200, "the scan read the main sources: " + scanned);
        assertEquals(
                List.of(),
                found,
                "score rows through serving.Scoring (AnswerAssembler.scoreRows, or hand the"
                        + " AnswerAssembler to model.answer's ChunkScorer); never call a model's predict, the counters or the coverage"
                        + " from a handler");
        assertEquals(
                List.of(),
                hooksCalled,
                "explanations and the counting hooks are called by serving.Scoring's"
                        + " AnswerAssembler (and the ResolvedModel it scores for) alone; a handler asks for explanations"
                        + " through AnswerAssembler.scoreRows");
    }

    /**
     * The hooks every answer owes that serving's jobs keep below its entry point (issue 48), which only serving may
     * call: a type, the accessor that hands one out (TabserveMetrics', Monitors', ServedModels'), and its hook methods.
     */
    private record ServingHook(String type, String accessor, String methods) {}

    private static final List<ServingHook> SERVING_HOOKS = List.of(
            new ServingHook("RowExplanations", "explanations", "of"),
            new ServingHook("TabserveMetrics", "metrics", "scored"),
            new ServingHook("ModelStatistics", "statistics", "executed|answered"),
            new ServingHook("DriftMonitor", "drift", "record"),
            new ServingHook("FeedbackMonitor", "feedback", "answered"),
            new ServingHook("NoveltyCounts", "novelty", "record"),
            new ServingHook("Rollouts", "rollouts", "scored|answered"));

    /**
     * The calls in {@code file} of a {@link #SERVING_HOOKS} method on its type: through a field, parameter, variable or
     * method declared of that type, or through the accessor that hands one out.
     */
    static List<String> servingHooksCalled(Path file) throws IOException {
        String source = Files.readString(file);
        List<String> lines = Files.readAllLines(file);
        List<String> found = new ArrayList<>();
        for (ServingHook hook : SERVING_HOOKS) {
            List<String> receivers = new ArrayList<>(List.of(hook.accessor()));
            java.util.regex.Pattern.compile("\\b" + hook.type() + "\\s+(\\w+)")
                    .matcher(source)
                    .results()
                    .forEach(m -> receivers.add(m.group(1)));
            java.util.regex.Pattern call = java.util.regex.Pattern.compile("\\b(" + String.join("|", receivers)
                    + ")\\s*(\\(\\s*\\))?\\s*\\.\\s*(" + hook.methods() + ")\\s*\\(");
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (call.matcher(line).find() && !line.startsWith("*") && !line.startsWith("//")) {
                    found.add(file + ":" + (i + 1) + ": " + hook.type() + ": " + line);
                }
            }
        }
        return found;
    }

    /**
     * Serving's jobs, each in a package of its own below the entry point (issue 48), by floor from the ground: each
     * package names (by import, or fully qualified) only the packages on the floors below its own, never one on its
     * floor or above, nor the entry point's package ({@code org.tabserve.serving}) that stands on them all, so that
     * no two import each other.
     */
    private static final List<List<String>> SERVING_FLOORS = List.of(
            List.of("budget", "trace"),
            List.of("access"),
            List.of("feedback"),
            List.of("monitor", "shared"),
            List.of("explanations", "rollout"));

    private static final java.util.regex.Pattern SERVING_TYPE =
            java.util.regex.Pattern.compile("org\\.tabserve\\.serving((?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*");

    @Test
    void servingsJobsStandEachOnTheFloorsBelowItAndNeverOnTheEntryPoint() throws IOException {
        List<String> jobs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(SERVING)) {
            dirs.filter(Files::isDirectory)
                    .forEach(d -> jobs.add(d.getFileName().toString()));
        }
        assertEquals(
                SERVING_FLOORS.stream().flatMap(List::stream).sorted().toList(),
                jobs.stream().sorted().toList(),
                "every package of serving's jobs stands on a floor of SERVING_FLOORS");
        List<String> below = new ArrayList<>();
        List<String> named = new ArrayList<>();
        List<String> upward = new ArrayList<>();
        for (List<String> floor : SERVING_FLOORS) {
            for (String job : floor) {
                try (Stream<Path> files = Files.walk(SERVING.resolve(job))) {
                    for (Path file :
                            files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        for (String line : Files.readAllLines(file)) {
                            if (line.startsWith("package ")) {
                                continue;
                            }
                            java.util.regex.Matcher m = SERVING_TYPE.matcher(line);
                            while (m.find()) {
                                String into =
                                        m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                                if (!into.equals(job)) {
                                    named.add(job + " -> " + into);
                                    if (!below.contains(into)) {
                                        upward.add(file.getFileName() + ": " + m.group());
                                    }
                                }
                            }
                        }
                    }
                }
            }
            below.addAll(floor);
        }
        assertTrue(
                named.contains("explanations -> budget")
                        && named.contains("monitor -> feedback")
                        && named.contains("shared -> feedback"),
                "the scan found the arrows between serving's packages: " + named);
        assertEquals(
                List.of(),
                upward,
                "a package of serving's jobs names only those on the floors below it; what it"
                        + " needs from above (a request's model, its name) comes in as an argument");
    }

    @Test
    void theOpenApiDocumentNamesNoProtocol() throws IOException {
        assertTrue(
                imports(WEB.resolve("openapi")).contains("org.tabserve.model.signature.ModelSignature"),
                "the scan reads openapi's imports");
        List<String> upward = webTypesUsed(WEB.resolve("openapi")).stream()
                .filter(t -> !t.startsWith("org.tabserve.web.http.") && !t.startsWith("org.tabserve.web.openapi."))
                .toList();
        assertEquals(
                List.of(),
                upward,
                "each protocol contributes its part of the document; the assembler and the "
                        + "shared builders stand on http alone, and the wiring hands them the parts");
    }

    @Test
    void thePagesStandOnApiAndNothingButTheWiringUsesThem() throws IOException {
        List<String> pages = webTypesUsed(WEB.resolve("pages")).stream()
                .filter(t ->
                        !packageOf(t).matches("org\\.tabserve\\.web\\.(http(\\.\\w+)?|api|v2|pages|pages\\.plots)"))
                .toList();
        assertEquals(List.of(), pages, "pages draw what api and v2 give them, on the plumbing (never gRPC)");
        for (String protocol : List.of("api", "mlflow", "v2", "http")) {
            List<String> intoPages = webTypesUsed(WEB.resolve(protocol)).stream()
                    .filter(t -> t.startsWith("org.tabserve.web.pages."))
                    .toList();
            assertEquals(
                    List.of(),
                    intoPages,
                    protocol + ": pages stand on api, never the other way round (the "
                            + "upload page comes in as an UploadView, handed a finished UploadPreview)");
        }
    }

    /**
     * The pages' pictures ({@code pages.plots}) stand below the pages, which import them: they import only the JDK, the
     * model's types and themselves, and name (by import or fully qualified) no web type but their own, so never
     * {@code pages}; the pages' rules above (no Jetty, no ONNX Runtime, no protocol but through pages) hold them too.
     */
    @Test
    void thePicturesStandBelowThePagesOnTheModelAlone() throws IOException {
        Path plots = WEB.resolve("pages/plots");
        assertTrue(
                importsIn(WEB.resolve("pages")).contains("org.tabserve.web.pages.plots.Plot"),
                "the scan found the pages' imports of their pictures");
        List<String> imports = imports(plots);
        assertTrue(imports.contains("org.tabserve.model.card.ModelCard"), "the scan found the pictures' imports");
        List<String> forbidden = imports.stream()
                .filter(i -> !i.startsWith("java.")
                        && !MODEL_CORE_TYPE.matcher(i).lookingAt()
                        && !i.startsWith("org.tabserve.web.pages.plots."))
                .toList();
        assertEquals(List.of(), forbidden, "the pictures are drawn from the model's numbers with the JDK alone");
        List<String> upward = webTypesUsed(plots).stream()
                .filter(t -> !t.startsWith("org.tabserve.web.pages.plots."))
                .toList();
        assertEquals(
                List.of(),
                upward,
                "pages.plots stands below pages: what a picture needs from a page comes in as an argument, and what it"
                        + " builds for a page is its own type");
    }

    @Test
    void everyHandlerTakesItsModelAsAnArgumentNotFromTheRequest() throws IOException {
        // The model a request's path names is a ResolvedModel argument, never a request attribute or a thread-local.
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(WEB)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                for (String mark : List.of("ThreadLocal", "getRequestDispatcher(", ".forward(")) {
                    boolean staticFiles = file.endsWith(Path.of("http", "container", "StaticServlet.java"))
                            && mark.equals(".forward(");
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

    /**
     * gRPC and the code generated from src/main/proto (package {@code inference}) are the Open Inference Protocol's
     * transport: only its gRPC package (web.v2.grpc) and the wiring that registers its servlet name them (web.v2 itself
     * is the protocol's transport-neutral part), and nothing generated lives among tabserve's own packages.
     */
    @Test
    void onlyTheOpenInferenceProtocolAndTheWiringUseGrpc() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                boolean allowed = file.getParent().equals(WEB.resolve("v2/grpc"))
                        || file.getParent().equals(WEB);
                imports(file).stream()
                        .filter(i -> i.startsWith("io.grpc.") || i.startsWith("inference."))
                        .filter(i -> !allowed)
                        .forEach(i -> found.add(file.getFileName() + ": " + i));
            }
        }
        assertEquals(List.of(), found, "gRPC is one transport of the Open Inference Protocol (web.v2.grpc)");
        assertTrue(
                imports(WEB.resolve("v2/grpc")).contains("inference.ModelInferRequest"),
                "the scan found grpc's imports");
        assertTrue(Files.isDirectory(Path.of("src/main/proto")), "the proto is vendored in src/main/proto");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            assertEquals(
                    List.of(),
                    files.filter(f -> f.toString().contains("inference" + java.io.File.separator) && !f.startsWith(WEB))
                            .toList(),
                    "generated code is made at build time, never committed");
        }
    }

    @Test
    void exactlyOnePackageImportsOnnxRuntime() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (!file.getParent().equals(MODEL.resolve("onnx"))
                        && imports(file).stream().anyMatch(i -> i.startsWith("ai.onnxruntime"))) {
                    found.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), found, "ONNX Runtime is model.onnx's alone");
    }

    /** The Redis client and its connection pool: the shared store's (issue 52). */
    private static final java.util.regex.Pattern REDIS_CLIENT =
            java.util.regex.Pattern.compile("redis\\.clients\\.|org\\.apache\\.commons\\.pool2\\.");

    /**
     * The Redis client is the shared store's alone ({@code serving.shared}, which implements {@code feedback}'s
     * {@code SharedAnswers}), which loads only when the shared-state setting is given: nothing else names it, so that a
     * server without the setting never loads it.
     */
    @Test
    void onlyTheSharedStoreNamesTheRedisClient() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                boolean names = Files.readAllLines(file).stream()
                        .anyMatch(line -> REDIS_CLIENT.matcher(line).find());
                if (names && !file.startsWith(SERVING.resolve("shared"))) {
                    found.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), found, "the Redis client is serving.shared's alone");
        assertTrue(
                imports(SERVING.resolve("shared/RedisAnswers.java")).stream()
                        .anyMatch(i -> i.startsWith("redis.clients.")),
                "the scan finds the store's imports");
    }

    /** The AWS SDK: the object store's (issue 64). */
    private static final String AWS_SDK = "software.amazon.awssdk.";

    /**
     * The AWS SDK is {@code repository.s3}'s alone, which the wiring opens only for an {@code s3://} location: nothing
     * else names it, so that a server reading local models never loads it.
     */
    @Test
    void onlyTheObjectStoresPackageNamesTheAwsSdk() throws IOException {
        Path s3 = Path.of("src/main/java/org/tabserve/repository/s3");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                boolean names = Files.readAllLines(file).stream().anyMatch(line -> line.contains(AWS_SDK));
                if (names && !file.getParent().equals(s3)) {
                    found.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), found, "the AWS SDK is repository.s3's alone");
        assertTrue(
                imports(s3.resolve("S3Objects.java")).stream().anyMatch(i -> i.startsWith(AWS_SDK)),
                "the scan finds the store's imports");
    }

    /** OpenTelemetry's API and SDK: the traces' (issue 67). */
    private static final String OPENTELEMETRY = "io.opentelemetry.";

    /**
     * OpenTelemetry is {@code serving.trace.otel}'s alone, which the wiring opens only when an OTLP endpoint is given:
     * nothing else names it, so that a server that does not trace never loads it (TracesIT checks the loaded classes).
     */
    @Test
    void onlyTheTracesOwnPackageNamesOpenTelemetry() throws IOException {
        Path otel = SERVING.resolve("trace/otel");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                boolean names = Files.readAllLines(file).stream().anyMatch(line -> line.contains(OPENTELEMETRY));
                if (names && !file.getParent().equals(otel)) {
                    found.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), found, "OpenTelemetry is serving.trace.otel's alone");
        assertTrue(
                imports(otel.resolve("OtelTracing.java")).stream().anyMatch(i -> i.startsWith(OPENTELEMETRY)),
                "the scan finds the tracing's imports");
    }

    /** nimbus-jose-jwt: OIDC tokens' (issue 63). */
    private static final String NIMBUS = "com.nimbusds.";

    /**
     * nimbus-jose-jwt is {@code serving.access.oidc}'s alone: nothing else names it, so that the library can be
     * changed in one place.
     */
    @Test
    void onlyTheOidcPackageNamesNimbus() throws IOException {
        Path oidc = SERVING.resolve("access/oidc");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                boolean names = Files.readAllLines(file).stream().anyMatch(line -> line.contains(NIMBUS));
                if (names && !file.getParent().equals(oidc)) {
                    found.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), found, "nimbus-jose-jwt is serving.access.oidc's alone");
        assertTrue(
                imports(oidc.resolve("OidcTokens.java")).stream().anyMatch(i -> i.startsWith(NIMBUS)),
                "the scan finds the tokens' imports");
    }

    /** The web app's types named in the files under {@code root}, by import or fully qualified. */
    private static List<String> webTypesUsed(Path root) throws IOException {
        return webTypesUsed(root, true);
    }

    /** The web app's types named in the files of the package in {@code directory} alone, not its subpackages. */
    private static List<String> webTypesUsedInPackage(Path directory) throws IOException {
        return webTypesUsed(directory, false);
    }

    private static List<String> webTypesUsed(Path directory, boolean subpackages) throws IOException {
        List<String> used = new ArrayList<>();
        try (Stream<Path> files = subpackages ? Files.walk(directory) : Files.list(directory)) {
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
        assertTrue(imports.contains("org.tabserve.model.Model"), "the repository loads models");
        List<String> forbidden = imports.stream()
                .filter(i -> !i.startsWith("java.")
                        && !i.startsWith("org.tabserve.model.")
                        && !i.startsWith("org.tabserve.repository.")
                        && !i.startsWith("org.tabserve.files.") // the owner check the keys file and TLS key share
                        && !i.startsWith("org.tabserve.outbound.") // the bound on the store's reads
                        && !i.startsWith(AWS_SDK)) // the object store's, repository.s3's alone (below)
                .toList();
        assertEquals(List.of(), forbidden, "no servlet, Jetty, web or ONNX Runtime import: it must be usable alone");
        List<String> intoRepository = imports(Path.of("src/main/java/org/tabserve/model")).stream()
                .filter(i -> i.startsWith("org.tabserve.repository") || i.startsWith("org.tabserve.web"))
                .toList();
        assertEquals(List.of(), intoRepository, "the model knows nothing of who serves it");
    }

    @Test
    void theCardWriterUsesTheModelAloneNeverTheWebOrTribuo() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/cardmaking"));
        assertTrue(imports.contains("org.tabserve.model.card.CardKeys"), "the card writer spells keys with CardKeys");
        List<String> forbidden = imports.stream()
                .filter(i -> !i.startsWith("java.")
                        && !i.startsWith("com.fasterxml.jackson.")
                        && !i.startsWith("org.tabserve.model.")
                        && !i.startsWith("org.tabserve.cardmaking."))
                .toList();
        assertEquals(List.of(), forbidden, "the trainer and the card command share it; it needs the model only");
    }

    /**
     * The owner check of the files the server trusts ({@code org.tabserve.files}) stands on the JDK alone: the launcher
     * (the TLS key) and the web app (the API keys file, the model cache) both ask it, each from its own class loader.
     */
    @Test
    void theFilesOwnerCheckImportsOnlyTheJdk() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/files"));
        assertTrue(imports.contains("java.nio.file.attribute.PosixFileAttributes"), "the scan found its imports");
        assertEquals(
                List.of(),
                imports.stream()
                        .filter(i -> !i.startsWith("java.") && !i.startsWith("javax.net.ssl.")) // the JDK's TLS
                        .toList());
        assertTrue(
                imports(Path.of("src/main/java/org/tabserve/launcher")).contains("org.tabserve.files.OwnerOnly"),
                "the launcher checks the TLS key with it");
    }

    /**
     * The one bound on reads from outside ({@code org.tabserve.outbound}) stands on the JDK alone, below every package
     * that reads from outside (the issuer's keys, the store, Redis, the trace export), and names none of them.
     */
    @Test
    void theOutboundBoundImportsOnlyTheJdk() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/outbound"));
        assertTrue(imports.contains("java.net.http.HttpResponse"), "the scan found its imports");
        assertEquals(
                List.of(),
                imports.stream()
                        .filter(i -> !i.startsWith("java.") && !i.startsWith("javax.net.ssl.")) // the JDK's TLS
                        .toList());
    }

    private static final Path LAUNCHER = Path.of("src/main/java/org/tabserve/launcher");

    private static final java.util.regex.Pattern LAUNCHER_TYPE =
            java.util.regex.Pattern.compile("org\\.tabserve\\.launcher((?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*");

    /** The only arrows between the launcher's own packages: the bootstrap's WAR cache asks the class path's owner check. */
    private static final Map<String, List<String>> LAUNCHER_PACKAGE_ARROWS = Map.of("warcache", List.of("classpath"));

    /**
     * The launcher and each of its packages stay small (past {@link #MAX_FILES_PER_PACKAGE} Java files, one is split by
     * job), and its packages are leaves below it: none names a type of {@code org.tabserve.launcher} itself, by import
     * or fully qualified, nor one of another of them but by {@link #LAUNCHER_PACKAGE_ARROWS}, so no circle forms.
     */
    @Test
    void theLaunchersPackagesAreLeavesBelowItAndStaySmall() throws IOException {
        List<Path> dirs;
        try (Stream<Path> walked = Files.walk(LAUNCHER)) {
            dirs = walked.filter(Files::isDirectory).toList();
        }
        List<String> large = new ArrayList<>();
        List<String> named = new ArrayList<>();
        List<String> forbidden = new ArrayList<>();
        for (Path dir : dirs) {
            String pkg = LAUNCHER.relativize(dir).toString().replace('/', '.');
            List<Path> files;
            try (Stream<Path> listed = Files.list(dir)) {
                files = listed.filter(f -> f.toString().endsWith(".java")).toList();
            }
            if (files.size() > MAX_FILES_PER_PACKAGE) {
                large.add("launcher" + (pkg.isEmpty() ? "" : "." + pkg) + " has " + files.size() + " files");
            }
            if (pkg.isEmpty()) {
                continue; // the launcher itself may name every package below it
            }
            for (Path file : files) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    java.util.regex.Matcher m = LAUNCHER_TYPE.matcher(line);
                    while (m.find()) {
                        String into = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                        if (!into.equals(pkg)) {
                            named.add(pkg + " -> " + into);
                            if (!LAUNCHER_PACKAGE_ARROWS
                                    .getOrDefault(pkg, List.of())
                                    .contains(into)) {
                                forbidden.add(file.getFileName() + ": " + m.group());
                            }
                        }
                    }
                }
            }
        }
        assertTrue(
                dirs.size() > 4 && named.contains("warcache -> classpath"),
                "the scan found the launcher's packages and the arrows between them: " + dirs + " " + named);
        assertEquals(List.of(), forbidden, "a package below the launcher names neither it nor another beside it");
        assertEquals(List.of(), large, "a package of more than " + MAX_FILES_PER_PACKAGE + " files is split by job");
    }

    @Test
    void launcherKnowsNothingOfTheWebAppOrTheModel() throws IOException {
        List<String> imports = imports(Path.of("src/main/java/org/tabserve/launcher"));
        assertTrue(imports.stream().anyMatch(i -> i.startsWith("org.eclipse.jetty.")), "the launcher starts Jetty");
        List<String> forbidden = imports.stream()
                .filter(i -> i.startsWith("org.tabserve.web")
                        || i.startsWith("org.tabserve.model")
                        || i.startsWith("org.tabserve.repository"))
                .toList();
        assertEquals(List.of(), forbidden);
    }

    @Test
    void noOtherLibrarysInternalsButTheSignalHandlerInItsOwnClass() throws IOException {
        // Internals break on an upgrade without a word: use them only where no supported API exists, in one class
        // whose test says when they change (StopSignals, for sun.misc.Signal; ParquetOptions, for parquet-java's read
        // options without Hadoop, ParquetOptionsTest). com.sun.management is not one: it is the JDK's supported,
        // documented management API (module jdk.management exports it).
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file).replace("com.sun.management.", "");
                boolean signals = file.endsWith(Path.of("launcher", "StopSignals.java"));
                boolean parquet = file.endsWith(Path.of("rows", "parquet", "ParquetOptions.java"));
                for (String mark :
                        List.of(".internal.", "sun.", "setAccessible(", "getDeclaredField(", "getDeclaredMethod(")) {
                    if (source.contains(mark)
                            && !(signals && mark.equals("sun."))
                            && !(parquet && mark.equals("setAccessible("))) {
                        found.add(file.getFileName() + ": " + mark);
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    /** Every imported name in the Java files directly in {@code directory} (not in its subpackages). */
    private static List<String> importsIn(Path directory) throws IOException {
        List<String> imports = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                imports.addAll(imports(file));
            }
        }
        return imports;
    }

    /** Every imported name (static imports included) in the Java files under {@code root}. */
    static List<String> imports(Path root) throws IOException {
        List<String> imports = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith("import ")) {
                        imports.add(trimmed.substring(7)
                                .replace("static ", "")
                                .replace(";", "")
                                .strip());
                    }
                }
            }
        }
        return imports;
    }

    /**
     * The MLflow directory reader (model.mlflow) reads YAML and JSON and names no other tabserve package: it hands the
     * loader a path and a format, and never loads a model itself (no ONNX Runtime, no tree reader).
     */
    @Test
    void theMlflowReaderImportsOnlyTheJdkSnakeYamlAndJacksonCore() throws IOException {
        List<String> imports = importsIn(MODEL.resolve("mlflow"));
        assertTrue(imports.contains("org.yaml.snakeyaml.constructor.SafeConstructor"), "the scan found its imports");
        List<String> forbidden = imports.stream()
                .filter(i -> !i.startsWith("java.")
                        && !i.startsWith("org.yaml.snakeyaml.")
                        && !i.startsWith("com.fasterxml.jackson.core."))
                .toList();
        assertEquals(List.of(), forbidden);
    }
}
