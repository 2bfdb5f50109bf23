package org.tabserve;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the dependency arrows of docs/development.md true by reading every dependency of every main class from its
 * bytecode (ArchUnit): a type named in code, by import or fully qualified, is a dependency; a comment is not.
 */
class ArchitectureTest {

    /** The main classes as compiled (not the gRPC code generated under {@code inference}, which they name). */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(location -> !location.contains("/inference/")) // named by tabserve's, never judged
            .importPath(Path.of("target/classes"));

    private static final String T = "org.tabserve.";

    /** The JDK, as the rules below allow it: its {@code java} packages. */
    private static final String JDK = "java..";

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

    /** The most Java files one package may hold, its package-info among them: past it, it is split by job. */
    private static final int MAX_FILES_PER_PACKAGE = 25;

    /**
     * The house's size rule for packages (issue 80): past {@link #MAX_FILES_PER_PACKAGE} Java files a package holds
     * more than one job, and is split by job, each in a package of its own (the launcher's and the HTTP plumbing's
     * packages among them).
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
     * The top-level parts by layer: the web app on serving, serving on the rows, the repository and the prediction
     * log, those on the model, and the two leaves every part may ask (the owner check of trusted files, the bound on
     * reads from outside); the launcher and the command line stand beside the web app; nothing points back up.
     */
    @Test
    void thePartsStandInLayersWebServingModelNeverBack() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("web")
                .definedBy(T + "web..")
                .layer("cli")
                .definedBy(T + "cli..")
                .layer("launcher")
                .definedBy(T + "launcher..")
                .layer("serving")
                .definedBy(T + "serving..")
                .layer("predictionlog")
                .definedBy(T + "predictionlog..")
                .layer("repository")
                .definedBy(T + "repository..")
                .layer("cardmaking")
                .definedBy(T + "cardmaking..")
                .layer("rows")
                .definedBy(T + "rows..")
                .layer("model")
                .definedBy(T + "model..")
                .layer("files")
                .definedBy(T + "files..")
                .layer("outbound")
                .definedBy(T + "outbound..")
                .whereLayer("web")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("launcher")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("serving")
                .mayOnlyBeAccessedByLayers("web", "cli")
                .whereLayer("predictionlog")
                .mayOnlyBeAccessedByLayers("web", "cli", "serving")
                .whereLayer("repository")
                .mayOnlyBeAccessedByLayers("web", "cli", "serving")
                .whereLayer("cardmaking")
                .mayOnlyBeAccessedByLayers("web", "cli")
                .whereLayer("rows")
                .mayOnlyBeAccessedByLayers("web", "cli", "serving", "predictionlog")
                .whereLayer("model")
                .mayOnlyBeAccessedByLayers("web", "cli", "serving", "predictionlog", "repository", "cardmaking", "rows")
                .because("the arrows go web -> serving -> model (docs/development.md), never back")
                .check(MAIN);
    }

    /** No two packages of tabserve reach each other, however far round: the import graph has no cycle. */
    @Test
    void noCycleBetweenPackages() {
        slices().matching("org.tabserve.(**)")
                .should()
                .beFreeOfCycles()
                .because("a circle of packages is one job spread over several, or wants an interface below them")
                .check(MAIN);
    }

    private static final String MODEL = T + "model";

    /**
     * The model core's packages by floor from the ground (issue 80): what a model takes and gives (its signature, a
     * batch, a prediction, its exception), how sure an answer is (conformal sets), what a model says about itself (the
     * card), and beside each other the Shapley explanations and the live profiles. Each names only the packages on the
     * floors below its own, never one on its floor or above, nor the package of the {@code Model} interface
     * ({@code org.tabserve.model}) that stands on them all; {@link #ABOVE_THE_MODEL} stand above that.
     */
    private static final List<List<String>> MODEL_FLOORS =
            List.of(List.of("signature"), List.of("conformal"), List.of("card"), List.of("explain", "live"));

    /**
     * The model's packages that stand above the {@code Model} interface: its runtimes and readers (ONNX, the trained
     * forests' files, MLflow directories), the loader that chooses among them, and the answers.
     */
    private static final List<String> ABOVE_THE_MODEL = List.of("onnx", "answer", "mlflow", "trees", "loading");

    /** The model core's packages: the {@code Model} interface's and those on {@link #MODEL_FLOORS}. */
    private static final String[] MODEL_CORE = Stream.concat(
                    Stream.of(MODEL),
                    MODEL_FLOORS.stream().flatMap(List::stream).map(job -> MODEL + "." + job))
            .toArray(String[]::new);

    private static String[] with(String[] packages, String... more) {
        return Stream.concat(Stream.of(packages), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void theModelCoreImportsOnlyTheJdkAndItself() {
        classes()
                .that()
                .resideInAnyPackage(MODEL_CORE)
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(with(MODEL_CORE, JDK))
                .because("model/ and its jobs' packages hold the Model interface and the runtime-free value types: no"
                        + " ONNX Runtime, no model.onnx or model.answer (the arrows are onnx -> model and answer ->"
                        + " model), no HTTP, Jetty or Tribuo")
                .check(MAIN);
    }

    @Test
    void theModelsJobsStandEachOnTheFloorsBelowItAndNeverOnTheModelInterface() {
        floors(MODEL, false, MODEL_FLOORS, ABOVE_THE_MODEL)
                .because("what a job of the model needs of a model comes in through an interface of its own (explain's"
                        + " ExplainedModel, which Model extends)")
                .check(MAIN);
        assertArrows("explain -> card", "card -> conformal", "conformal -> signature");
    }

    /**
     * No two files of one package of the model, of the repository or of the launcher, their sub-packages included, name
     * each other (issue 80): where a part needs the whole, it is handed a narrow interface of its own ({@code
     * ModelSignature.Rows}, which a batch is, for the model's check of whole rows; the repository's {@code
     * RepositoryState} for its helpers), or what both need moves down a file ({@code ExplanationMeter}, {@code
     * LiveKind}, a lease's {@code Generation}), so that each package's files stand one way.
     */
    @Test
    void noTwoFilesOfAPackageOfTheModelTheRepositoryOrTheLauncherNameEachOther() {
        Map<String, Set<String>> named = new TreeMap<>();
        for (JavaClass c : MAIN) {
            if (c.getPackageName().matches("org\\.tabserve\\.(model|repository|launcher)(\\..*)?")) {
                String from = fileOf(c);
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass().getBaseComponentType();
                    if (target.getPackageName().equals(c.getPackageName())
                            && !fileOf(target).equals(from)
                            && !fileOf(target).endsWith(".package-info")) {
                        named.computeIfAbsent(from, k -> new TreeSet<>()).add(fileOf(target));
                    }
                }
            }
        }
        List<String> pairs = new ArrayList<>();
        named.forEach((a, targets) -> targets.stream()
                .filter(b ->
                        a.compareTo(b) < 0 && named.getOrDefault(b, Set.of()).contains(a))
                .forEach(b -> pairs.add(a + " <-> " + simpleName(b))));
        for (String[] arrow : List.of(
                new String[] {"model.signature.Batch", "model.signature.ModelSignature"},
                new String[] {"model.explain.Explainer", "model.explain.CoalitionRows"},
                new String[] {"repository.LoaderPool", "repository.RepositoryState"},
                new String[] {"launcher.Main", "launcher.SecondJvm"},
                new String[] {"model.onnx.graph.ml.TreeEnsembleReader", "model.onnx.graph.ml.TreeEnsemble"},
                new String[] {"repository.s3.S3Mirror", "repository.s3.DownloadRecorder"})) {
            assertTrue(
                    named.getOrDefault(T + arrow[0], Set.of()).contains(T + arrow[1]),
                    "the scan found the arrows between the files: " + arrow[0] + " -> " + arrow[1]);
        }
        assertEquals(List.of(), pairs, "two files of a package that name each other are one job, or want an interface");
    }

    /** The top-level class, so the source file, a class belongs to. */
    private static String fileOf(JavaClass c) {
        JavaClass top = c;
        while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
        }
        return top.getName();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    @Test
    void theOnnxRuntimeModelImportsTheJdkOnnxRuntimeJacksonAndTheModel() {
        classes()
                .that()
                .resideInAPackage(MODEL + ".onnx")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(JDK, "ai.onnxruntime..", "com.fasterxml.jackson..", MODEL + "..")
                .check(MAIN);
    }

    /**
     * The ONNX graph reader (model.onnx.graph) reads the protobuf itself, so it names only the JDK and itself: never
     * ONNX Runtime nor a protobuf library, so it can read a model that ONNX Runtime would refuse and say why.
     */
    @Test
    void theGraphReaderImportsOnlyTheJdk() {
        classes()
                .that()
                .resideInAPackage(MODEL + ".onnx.graph..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(JDK, MODEL + ".onnx.graph..")
                .because("the graph reader must read the graph without ONNX Runtime or protobuf")
                .check(MAIN);
    }

    /**
     * The graph's three floors, no circle between them: the reader ({@code graph}) knows neither the operators
     * ({@code graph.ml}) nor the facts ({@code graph.facts}); the operators read the reader's nodes and never the facts.
     */
    @Test
    void theGraphReaderTheOperatorsAndTheFactsStandOnEachOtherOneWay() {
        String graph = MODEL + ".onnx.graph";
        floors(graph, true, List.of(List.of(""), List.of("ml"), List.of("facts")), List.of())
                .because("the reader names no operator and no fact; the operators name no fact")
                .check(MAIN);
        assertArrows("onnx.graph.facts -> onnx.graph.ml", "onnx.graph.ml -> onnx.graph");
    }

    /**
     * What each package below {@code model.onnx} may name beside the JDK, the model core, the graph reader and itself,
     * the first a name it must name: the card's reader (Jackson), the exact explanations' arithmetic, the plain graphs,
     * the engine choice (the plain graphs it feeds) and the model file's copy.
     */
    private static final Map<String, List<String>> BELOW_THE_ONNX_RUNTIME_MODEL = Map.of(
            "cardread", List.of(MODEL + ".card", "com.fasterxml.jackson.."),
            "shapley", List.of(MODEL + ".onnx.graph"),
            "plain", List.of(MODEL + ".onnx.graph"),
            "engine", List.of(MODEL + ".onnx.plain", MODEL + ".onnx.plain.."),
            "copy", List.of(MODEL + ".signature"));

    /**
     * The card's reader ({@code model.onnx.cardread}), the exact explanations' arithmetic ({@code model.onnx.shapley}),
     * the plain graphs ({@code model.onnx.plain}), the engine choice and its load-time check ({@code
     * model.onnx.engine}) and the model file's copy ({@code model.onnx.copy}) stand below {@code model.onnx}, which
     * names them: none names ONNX Runtime, {@code model.onnx}'s own classes or another of them (but the engine choice
     * the plain graphs it feeds); they stand on the model's types and the graph reader alone (and the card on Jackson).
     */
    @Test
    void thePackagesBelowTheOnnxRuntimeModelStandWithoutIt() {
        for (Map.Entry<String, List<String>> entry : BELOW_THE_ONNX_RUNTIME_MODEL.entrySet()) {
            String below = MODEL + ".onnx." + entry.getKey();
            assertTrue(dependsOn(MODEL + ".onnx", below), "model.onnx stands on " + below);
            assertTrue(dependsOn(below, entry.getValue().get(0)), "the scan found " + below + "'s names");
            String[] allowed = with(
                    MODEL_CORE,
                    with(
                            entry.getValue().subList(1, entry.getValue().size()).toArray(String[]::new),
                            JDK,
                            MODEL + ".onnx.graph..",
                            below + ".."));
            classes()
                    .that()
                    .resideInAPackage(below + "..")
                    .should()
                    .onlyDependOnClassesThat()
                    .resideInAnyPackage(allowed)
                    .because(below + " stands below model.onnx: no ONNX Runtime, no model.onnx class, no arrow up")
                    .check(MAIN);
        }
    }

    @Test
    void outsideTheModelOnlyTheLoaderOfTheOnnxRuntimeModelIsNamed() {
        noClasses()
                .that()
                .resideOutsideOfPackage(MODEL + "..")
                .and()
                .resideInAPackage("org.tabserve..")
                .should()
                .dependOnClassesThat(resideInAnyPackage(MODEL + ".onnx..")
                        .and(describe(
                                "are not OnnxModelLoader", c -> !c.getName().equals(MODEL + ".onnx.OnnxModelLoader")))
                        .and(resideOutsideOfPackages(MODEL + ".onnx.graph..")))
                .because("everything outside model/ uses the Model interface; it gets one from OnnxModelLoader")
                .check(MAIN);
    }

    @Test
    void nothingServedImportsTheTrainer() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(T + "train..", "org.tribuo..")
                .check(MAIN);
    }

    @Test
    void webTalksToTheModelButNeverToJettyOrTheLauncher() {
        assertTrue(dependsOn(T + "web..", MODEL), "web uses the model");
        noClasses()
                .that()
                .resideInAPackage(T + "web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.eclipse.jetty..", T + "launcher..", "ai.onnxruntime..")
                .because("web must run in any servlet container and reach ONNX Runtime only through model/")
                .check(MAIN);
    }

    @Test
    void rowsImportsOnlyTheJdkJacksonCommonsCsvAndTheModel() {
        // The JDK, Jackson, commons-csv (and commons-io's byte-order-mark reader, which a CSV is read through), Apache
        // Arrow (its IPC streams) and commons-compress's LZ4 frames (their compressed buffers), parquet-java and
        // snappy-java (Parquet files), the model's types and itself; never a servlet, the web app, or model.onnx.
        assertTrue(dependsOn(T + "rows..", "org.apache.commons.csv"), "the scan found the rows' dependencies");
        classes()
                .that()
                .resideInAPackage(T + "rows..")
                .should()
                .onlyDependOnClassesThat(resideInAnyPackage(
                                JDK,
                                "com.fasterxml.jackson..",
                                "org.apache.commons.csv..",
                                "org.apache.commons.io..",
                                "org.apache.arrow..",
                                "org.apache.commons.compress.compressors.lz4..",
                                "org.apache.parquet..",
                                "org.xerial.snappy..",
                                MODEL + "..",
                                T + "rows..")
                        .and(resideOutsideOfPackages(MODEL + ".onnx..")))
                .because("rows are read and written alike by the servlets and the command line: no servlet, no web"
                        + " type (its refusals are RowsExceptions, which web maps to HTTP in one place)")
                .check(MAIN);
    }

    /**
     * The types that score rows (issue 80, scoring in one room): the model itself ({@code Model}, whose {@code
     * predict} runs it, its {@code Engine}, and {@code ExplainedModel}, whose {@code explain} does), what runs it for a
     * caller in the model's answer package ({@code BatchScoring}, {@code AnswerAssembler}, the upload's {@code
     * ChunkScorer}, the scoring loop of {@code InPlaceRefusals}), the explainer, the ONNX Runtime model and serving's
     * entry point and jobs; a nested type of one of them too.
     */
    private static final Pattern SCORING_TYPE = Pattern.compile("org\\.tabserve\\."
            + "(?:model\\.(?:Model|Engine|answer\\.(?:BatchScoring|AnswerAssembler|ChunkScorer|InPlaceRefusals|ScoredRows)"
            + "|explain\\.(?:\\w*Explainer|ExplainedModel)|onnx\\.[\\w.]+)|serving\\.[\\w.]+)(?:\\$.*)?");

    /**
     * rows only reads and writes (issue 80): no class of {@code org.tabserve.rows} or its packages names a {@link
     * #SCORING_TYPE}, so that scoring has one room, the model's answer package: rows hands over the rows it read
     * ({@code model.answer.ChunkRows}, {@code CellRows.Checked}) and receives their answers to write as answered rows
     * ({@code ChunkAnswers}, {@code AnsweredRows}, {@code AnsweredRow}), never the scoring's own record of them
     * ({@code ScoredRows}, issue 93).
     */
    @Test
    void rowsNamesNoTypeThatScores() {
        assertTrue(
                SCORING_TYPE.matcher(MODEL + ".answer.ChunkScorer").matches()
                        && SCORING_TYPE.matcher(MODEL + ".Model$Prediction").matches()
                        && SCORING_TYPE.matcher(MODEL + ".answer.ScoredRows").matches()
                        && !SCORING_TYPE.matcher(MODEL + ".answer.ChunkAnswers").matches()
                        && !SCORING_TYPE.matcher(MODEL + ".answer.AnsweredRows").matches()
                        && !SCORING_TYPE
                                .matcher(MODEL + ".signature.ModelSignature")
                                .matches(),
                "the rule tells a scoring type from a type of the rows handed over or their answers");
        assertTrue(dependsOn(T + "rows..", MODEL + ".answer"), "the scan read the rows' names of the model's types");
        noClasses()
                .that()
                .resideInAPackage(T + "rows..")
                .should()
                .dependOnClassesThat(describe(
                        "score rows", c -> SCORING_TYPE.matcher(c.getName()).matches()))
                .because("rows only reads and writes: score through the model's answer package (ChunkScorer for an"
                        + " upload's chunks, BatchScoring.scoreKept for CellRows' checked rows), handing it the rows"
                        + " read and writing the answered rows it hands back (AnsweredRows, not ScoredRows)")
                .check(MAIN);
    }

    /**
     * The rows' packages by floor from the ground (issue 62): the words every floor shares (a field's problem, the
     * refusal, numbers' and JSON's text), the JSON parts of an answer, the one pass every reader runs (and CSV's reader
     * on it), the formats' readers, the writers of the answer table; the table of formats ({@code org.tabserve.rows})
     * stands on them all. Each package names only those on the floors below its own.
     */
    private static final List<List<String>> ROWS_FLOORS = List.of(
            List.of("field"),
            List.of("answerjson"),
            List.of("read"),
            List.of("json", "arrow", "csv"),
            List.of("parquet"),
            List.of("write"));

    @Test
    void rowsPackagesStandEachOnTheFloorsBelowItAndNeverOnTheTableOfFormats() {
        floors(T + "rows", false, ROWS_FLOORS, List.of()).check(MAIN);
        assertArrows("rows.read -> rows.field", "rows.parquet -> rows.arrow", "rows.write -> rows.read");
    }

    @Test
    void thePredictionLogStandsOnTheModelAndTheRowsWriter() {
        assertTrue(dependsOn(T + "predictionlog", T + "rows.answerjson"), "the scan found the log's dependencies");
        classes()
                .that()
                .resideInAPackage(T + "predictionlog..")
                .should()
                .onlyDependOnClassesThat(resideInAnyPackage(
                                JDK,
                                "com.fasterxml.jackson..",
                                "io.prometheus.metrics..",
                                MODEL + "..",
                                T + "rows..",
                                T + "files..", // the checks of files written: the JDK alone
                                T + "predictionlog..")
                        .and(resideOutsideOfPackages(MODEL + ".onnx..")))
                .because("the log knows no servlet and no web type: web hands it scored batches")
                .check(MAIN);
    }

    @Test
    void theCommandLineNeverUsesTheWebApp() {
        assertTrue(dependsOn(T + "cli", T + "rows"), "the commands read CSV files through rows");
        noClasses()
                .that()
                .resideInAPackage(T + "cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(T + "web..", "jakarta.servlet..")
                .because("cli stands on rows and the model, never on web")
                .check(MAIN);
    }

    private static final String WEB = T + "web";

    /**
     * The classes of {@code from} name web types only of {@code allowed} (ArchUnit package patterns), whatever else
     * they name.
     */
    private static void webTypesOnlyOf(String from, String because, String... allowed) {
        classes()
                .that()
                .resideInAPackage(from)
                .should()
                .onlyDependOnClassesThat(resideOutsideOfPackages(WEB + "..").or(resideInAnyPackage(allowed)))
                .because(because)
                .check(MAIN);
    }

    @Test
    void httpPlumbingNeverReachesUpToTheRoutesOrTheWiring() {
        assertTrue(dependsOn(WEB + ".api", WEB + ".http"), "the scan reads the web app's dependencies");
        webTypesOnlyOf(
                WEB + ".http..",
                "http is the floor every route stands on: it names no route package and not the wiring (a route's"
                        + " path it needs goes into http's Routes)",
                WEB + ".http..");
    }

    /**
     * The HTTP plumbing's packages by floor from the ground: {@code web.http} itself (the route table, the one error
     * type and its renderer, JSON, the settings, views), then its jobs, each naming only the packages on the floors
     * below its own: what a request asks ({@code request}) and who is calling ({@code auth}), the limits
     * (back-pressure and bounded inputs), and the servlets and filters the container runs beside the route servlet
     * ({@code container}). So no two of them name each other.
     */
    private static final List<List<String>> HTTP_FLOORS =
            List.of(List.of(""), List.of("request", "auth"), List.of("limits", "auth.login"), List.of("container"));

    @Test
    void httpsPackagesStandEachOnTheFloorsBelowIt() {
        floors(WEB + ".http", true, HTTP_FLOORS, List.of()).check(MAIN);
        assertArrows(
                "web.http.limits -> web.http", "web.http.container -> web.http.limits", "web.http.auth -> web.http");
    }

    /**
     * Each protocol stands on http and the OpenAPI builders alone (its readers are in org.tabserve.rows, its model work
     * in org.tabserve.serving, below the web layer), never on another protocol, the pages or the wiring. The Open
     * Inference Protocol's gRPC transport (web.v2.grpc) stands on web.v2 too, whose request and answer code it shares;
     * web.v2 never names it.
     */
    @Test
    void eachProtocolStandsOnHttpAlone() {
        for (String protocol : List.of("api", "mlflow", "v2", "v2.grpc", "metrics")) {
            String own = WEB + "." + protocol;
            assertTrue(dependsOn(own, WEB + ".http.."), protocol + " scanned");
            webTypesOnlyOf(
                    own,
                    protocol + " uses the shared plumbing and the OpenAPI builders only",
                    WEB + ".http..",
                    WEB + ".openapi..",
                    own,
                    protocol.equals("v2.grpc") ? WEB + ".v2" : own);
        }
        assertTrue(dependsOn(WEB + ".v2.grpc", WEB + ".v2"), "the scan found grpc's arrows into v2");
    }

    private static final String SERVING = T + "serving";

    /**
     * The per-request model work (the scoring entry point and the resolved model, and below them, in packages of their
     * own, explanations, rollouts, the metrics and drift, the answers kept for labels, the memory budget) needs no
     * servlet, no gRPC and no web type, so that every transport and the command line reach it alike; it stands on the
     * model, the rows, the repository and the prediction log, and nothing below it knows it.
     */
    @Test
    void servingStandsBelowTheWebAndAboveTheModel() {
        assertTrue(dependsOn(SERVING + "..", T + "repository"), "the scan found serving's dependencies");
        assertTrue(dependsOn(SERVING + "..", MODEL + ".explain"), "the scan read serving's packages' dependencies");
        classes()
                .that()
                .resideInAPackage(SERVING + "..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        JDK,
                        "javax.crypto..", // the JDK's HMAC, for the login's derived keys
                        "io.prometheus.metrics..",
                        "com.fasterxml.jackson..", // a rollout's JSON, read and written as the model's card is
                        MODEL + "..",
                        T + "rows..",
                        T + "repository..",
                        T + "predictionlog..",
                        SERVING + "..",
                        T + "files..",
                        T + "outbound..",
                        "redis.clients..", // the shared store's, serving.shared's alone (below)
                        "org.apache.commons.pool2..",
                        "io.opentelemetry..", // the traces', serving.trace.otel's alone (below)
                        "com.nimbusds..") // OIDC tokens', serving.access.oidc's alone (below)
                .because("serving names no servlet, gRPC, Jetty or web type")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAPackage(SERVING + "..")
                .and()
                .resideOutsideOfPackage(SERVING + ".rollout..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.fasterxml.jackson..")
                .because("Jackson is for a rollout's JSON alone: the routes write serving's answers")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAnyPackage(
                        MODEL + "..",
                        T + "rows..",
                        T + "repository..",
                        T + "predictionlog..",
                        T + "cardmaking..",
                        T + "launcher..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(SERVING + "..")
                .because("they stand below serving")
                .check(MAIN);
    }

    /**
     * The hooks every answer owes that serving's jobs keep below its entry point (issue 48), which only serving may
     * call: a type of serving's and its hook methods.
     */
    private static final Map<String, String> SERVING_HOOKS = Map.of(
            "RowExplanations", "of",
            "TabserveMetrics", "scored",
            "ModelStatistics", "executed|answered",
            "DriftMonitor", "record",
            "FeedbackMonitor", "answered",
            "NoveltyCounts", "record",
            "Rollouts", "scored|answered");

    /**
     * One way in for every answer (issue 48): rows are scored through serving's entry point ({@code Scoring}), which
     * alone calls a request's model and the hooks every answer owes (metrics, drift, labels, rollouts, the prediction
     * log, novelty, explanations); a handler that called them itself could forget one. Outside serving and the model,
     * nothing calls a {@code predict}, {@code counted} or {@code counter}: the model's answer package's chunk scorer
     * runs the entry point's model calls on its pool.
     */
    @Test
    void onlyServingsEntryPointCallsTheModelAndTheHooksEveryAnswerOwes() {
        // ResolvedModel's counter and ConformalAnswers are the entry point's package's alone by their visibility; a
        // model's predict is public, for the chunk scorer and the command line's offline scoring. The hooks that
        // serving's jobs keep in packages of their own below the entry point are public so that it can call them:
        // SERVING_HOOKS holds them to serving.
        noClasses()
                .that()
                .resideOutsideOfPackages(SERVING + "..", MODEL + "..")
                .and()
                .resideInAPackage("org.tabserve..")
                .should()
                .callMethodWhere(describe(
                        "the method is another class's predict, counted or counter",
                        (JavaMethodCall call) -> call.getName().matches("predict|counted|counter")
                                && !fileOf(call.getTargetOwner()).equals(fileOf(call.getOriginOwner()))))
                .because("score rows through serving.Scoring (AnswerAssembler.scoreRows, or hand the AnswerAssembler"
                        + " to model.answer's ChunkScorer); never call a model's predict, the counters or the coverage"
                        + " from a handler")
                .check(MAIN);
        noClasses()
                .that()
                .resideOutsideOfPackage(SERVING + "..")
                .and()
                .resideInAPackage("org.tabserve..")
                .should()
                .callMethodWhere(describe(
                        "the method is a hook every answer owes " + SERVING_HOOKS,
                        (JavaMethodCall call) ->
                                call.getTargetOwner().getPackageName().startsWith(SERVING)
                                        && call.getName()
                                                .matches(SERVING_HOOKS.getOrDefault(
                                                        call.getTargetOwner().getSimpleName(), "(?!)"))))
                .because("explanations and the counting hooks are called by serving.Scoring's AnswerAssembler (and"
                        + " the ResolvedModel it scores for) alone; a handler asks for explanations through"
                        + " AnswerAssembler.scoreRows")
                .check(MAIN);
    }

    /**
     * Serving's jobs, each in a package of its own below the entry point (issue 48), by floor from the ground: each
     * package (its sub-packages in it) names only the packages on the floors below its own, never one on its floor or
     * above, nor the entry point's package ({@code org.tabserve.serving}) that stands on them all.
     */
    private static final List<List<String>> SERVING_FLOORS = List.of(
            List.of("budget", "trace"),
            List.of("access"),
            List.of("feedback"),
            List.of("monitor", "shared"),
            List.of("explanations", "rollout"));

    @Test
    void servingsJobsStandEachOnTheFloorsBelowItAndNeverOnTheEntryPoint() {
        floors(SERVING, false, SERVING_FLOORS, List.of())
                .because("what a job of serving needs from above (a request's model, its name) comes in as an"
                        + " argument")
                .check(MAIN);
        assertArrows(
                "serving.explanations -> serving.budget",
                "serving.monitor -> serving.feedback",
                "serving.shared -> serving.feedback");
    }

    @Test
    void theOpenApiDocumentNamesNoProtocol() {
        assertTrue(dependsOn(WEB + ".openapi..", MODEL + ".signature"), "the scan reads openapi's dependencies");
        webTypesOnlyOf(
                WEB + ".openapi..",
                "each protocol contributes its part of the document; the assembler and the shared builders stand on"
                        + " http alone, and the wiring hands them the parts",
                WEB + ".http..",
                WEB + ".openapi..");
    }

    @Test
    void thePagesStandOnApiAndNothingButTheWiringUsesThem() {
        webTypesOnlyOf(
                WEB + ".pages..",
                "pages draw what api and v2 give them, on the plumbing (never gRPC)",
                WEB + ".http",
                WEB + ".http.*",
                WEB + ".api",
                WEB + ".v2",
                WEB + ".pages",
                WEB + ".pages.plots");
        noClasses()
                .that()
                .resideInAnyPackage(WEB + ".api..", WEB + ".mlflow..", WEB + ".v2..", WEB + ".http..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(WEB + ".pages..")
                .because("pages stand on api, never the other way round (the upload page comes in as an UploadView,"
                        + " handed a finished UploadPreview)")
                .check(MAIN);
    }

    /**
     * The pages' pictures ({@code pages.plots}) stand below the pages, which name them: they name only the JDK, the
     * model core and themselves, so never {@code pages}; the pages' rules above (no Jetty, no ONNX Runtime, no protocol
     * but through pages) hold them too.
     */
    @Test
    void thePicturesStandBelowThePagesOnTheModelAlone() {
        assertTrue(dependsOn(WEB + ".pages", WEB + ".pages.plots"), "the scan found the pages' use of their pictures");
        assertTrue(dependsOn(WEB + ".pages.plots", MODEL + ".card"), "the scan found the pictures' dependencies");
        classes()
                .that()
                .resideInAPackage(WEB + ".pages.plots..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(with(MODEL_CORE, JDK, WEB + ".pages.plots.."))
                .because("the pictures are drawn from the model's numbers with the JDK alone; what a picture needs from"
                        + " a page comes in as an argument, and what it builds for a page is its own type")
                .check(MAIN);
    }

    @Test
    void everyHandlerTakesItsModelAsAnArgumentNotFromTheRequest() {
        // The model a request's path names is a ResolvedModel argument, never a request attribute or a thread-local.
        noClasses()
                .that()
                .resideInAPackage(WEB + "..")
                .should()
                .dependOnClassesThat(
                        describe("are a ThreadLocal", c -> c.getSimpleName().endsWith("ThreadLocal")))
                .orShould()
                .callMethodWhere(describe(
                        "the method is getRequestDispatcher, or a forward but by StaticServlet",
                        (JavaMethodCall call) -> call.getName().equals("getRequestDispatcher")
                                || (call.getName().equals("forward")
                                        && !call.getOriginOwner()
                                                .getName()
                                                .startsWith(WEB + ".http.container.StaticServlet"))))
                .because("only StaticServlet forwards, to the container's own file servlet")
                .check(MAIN);
    }

    @Test
    void nothingUsesTheWiring() {
        noClasses()
                .that()
                .resideOutsideOfPackage(WEB)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(WEB)
                .because("web.xml names the listener; no class may use it or anything beside it")
                .check(MAIN);
    }

    /**
     * gRPC and the code generated from src/main/proto (package {@code inference}) are the Open Inference Protocol's
     * transport: only its gRPC package (web.v2.grpc) and the wiring that registers its servlet name them (web.v2 itself
     * is the protocol's transport-neutral part), and nothing generated lives among tabserve's own packages.
     */
    @Test
    void onlyTheOpenInferenceProtocolAndTheWiringUseGrpc() throws IOException {
        assertTrue(dependsOn(WEB + ".v2.grpc", "inference"), "the scan found grpc's dependencies");
        noClasses()
                .that()
                .resideInAPackage("org.tabserve..")
                .and()
                .resideOutsideOfPackages(WEB + ".v2.grpc", WEB)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.grpc..", "inference..")
                .because("gRPC is one transport of the Open Inference Protocol (web.v2.grpc)")
                .check(MAIN);
        assertTrue(Files.isDirectory(Path.of("src/main/proto")), "the proto is vendored in src/main/proto");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            assertEquals(
                    List.of(),
                    files.filter(f -> f.toString().contains("inference" + java.io.File.separator)
                                    && !f.startsWith("src/main/java/org/tabserve/web"))
                            .toList(),
                    "generated code is made at build time, never committed");
        }
    }

    /**
     * A library that one package of tabserve's alone names, so that it can be changed in one place and a server that
     * does not use it never loads it: ONNX Runtime ({@code model.onnx}), the Redis client and its pool (the shared
     * store, {@code serving.shared}, which implements {@code feedback}'s {@code SharedAnswers} and loads only when the
     * shared-state setting is given), the AWS SDK (the object store, {@code repository.s3}, opened only for an {@code
     * s3://} location), OpenTelemetry ({@code serving.trace.otel}, opened only when an OTLP endpoint is given; TracesIT
     * checks the loaded classes) and nimbus-jose-jwt (OIDC tokens, {@code serving.access.oidc}).
     */
    private static void onlyOnePackageNames(String owner, String because, String... library) {
        assertTrue(dependsOn(owner, library[0]), "the scan found " + owner + "'s dependencies on " + library[0]);
        noClasses()
                .that()
                .resideOutsideOfPackage(owner)
                .and()
                .resideInAPackage("org.tabserve..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(library)
                .because(because)
                .check(MAIN);
    }

    @Test
    void exactlyOnePackageImportsOnnxRuntime() {
        onlyOnePackageNames(MODEL + ".onnx", "ONNX Runtime is model.onnx's alone", "ai.onnxruntime..");
    }

    @Test
    void onlyTheSharedStoreNamesTheRedisClient() {
        onlyOnePackageNames(
                SERVING + ".shared",
                "the Redis client is serving.shared's alone",
                "redis.clients..",
                "org.apache.commons.pool2..");
    }

    @Test
    void onlyTheObjectStoresPackageNamesTheAwsSdk() {
        onlyOnePackageNames(T + "repository.s3", "the AWS SDK is repository.s3's alone", "software.amazon.awssdk..");
    }

    @Test
    void onlyTheTracesOwnPackageNamesOpenTelemetry() {
        onlyOnePackageNames(
                SERVING + ".trace.otel", "OpenTelemetry is serving.trace.otel's alone", "io.opentelemetry..");
    }

    @Test
    void onlyTheOidcPackageNamesNimbus() {
        onlyOnePackageNames(
                SERVING + ".access.oidc", "nimbus-jose-jwt is serving.access.oidc's alone", "com.nimbusds..");
    }

    @Test
    void theRepositoryStandsOnTheModelAloneAndTheModelKnowsNothingOfWhoServesIt() {
        assertTrue(dependsOn(T + "repository..", MODEL), "the repository loads models");
        classes()
                .that()
                .resideInAPackage(T + "repository..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        JDK,
                        MODEL + "..",
                        T + "repository..",
                        T + "files..", // the owner check the keys file and TLS key share
                        T + "outbound..", // the bound on the store's reads
                        "software.amazon.awssdk..") // the object store's, repository.s3's alone
                .because("no servlet, Jetty, web or ONNX Runtime: it must be usable alone")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAPackage(MODEL + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(T + "repository..", WEB + "..")
                .because("the model knows nothing of who serves it")
                .check(MAIN);
    }

    @Test
    void theCardWriterUsesTheModelAloneNeverTheWebOrTribuo() {
        // CardKeys' names are constants, which the compiler copies in: the scan sees the card writer's other arrows.
        assertTrue(dependsOn(T + "cardmaking", MODEL + ".conformal"), "the card writer stands on the model");
        classes()
                .that()
                .resideInAPackage(T + "cardmaking..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(JDK, "com.fasterxml.jackson..", MODEL + "..", T + "cardmaking..")
                .because("the trainer and the card command share it; it needs the model only")
                .check(MAIN);
    }

    /**
     * The owner check of the files the server trusts ({@code org.tabserve.files}) and the one bound on reads from
     * outside ({@code org.tabserve.outbound}) stand on the JDK alone (its TLS included): the launcher (the TLS key) and
     * the web app (the API keys file, the model cache) both ask the first, each from its own class loader; every
     * package that reads from outside (the issuer's keys, the store, Redis, the trace export) stands on the second.
     */
    @Test
    void theFilesOwnerCheckAndTheOutboundBoundImportOnlyTheJdk() {
        assertTrue(dependsOn(T + "launcher..", T + "files"), "the launcher checks the TLS key with it");
        for (String leaf : List.of(T + "files..", T + "outbound..")) {
            classes()
                    .that()
                    .resideInAPackage(leaf)
                    .should()
                    .onlyDependOnClassesThat()
                    .resideInAnyPackage(JDK, "javax.net.ssl..", leaf)
                    .check(MAIN);
        }
    }

    private static final String LAUNCHER = T + "launcher";

    /** The only arrows between the launcher's own packages: the bootstrap's WAR cache asks the class path's owner check. */
    private static final Map<String, List<String>> LAUNCHER_PACKAGE_ARROWS = Map.of("warcache", List.of("classpath"));

    /**
     * The launcher's packages are leaves below it: none names a type of {@code org.tabserve.launcher} itself, nor one of
     * another of them but by {@link #LAUNCHER_PACKAGE_ARROWS}, so no circle forms.
     */
    @Test
    void theLaunchersPackagesAreLeavesBelowIt() {
        classes()
                .that()
                .resideInAPackage(LAUNCHER + ".*..")
                .should(
                        new ArchCondition<JavaClass>(
                                "name no launcher package but their own and " + LAUNCHER_PACKAGE_ARROWS) {
                            @Override
                            public void check(JavaClass c, ConditionEvents events) {
                                String own = firstPart(c.getPackageName().substring(LAUNCHER.length() + 1));
                                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                                    String target = d.getTargetClass()
                                            .getBaseComponentType()
                                            .getPackageName();
                                    if (!target.equals(LAUNCHER) && !target.startsWith(LAUNCHER + ".")) {
                                        continue;
                                    }
                                    String into = target.equals(LAUNCHER)
                                            ? ""
                                            : firstPart(target.substring(LAUNCHER.length() + 1));
                                    if (!into.equals(own)
                                            && !LAUNCHER_PACKAGE_ARROWS
                                                    .getOrDefault(own, List.of())
                                                    .contains(into)) {
                                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                                    }
                                }
                            }
                        })
                .because("a package below the launcher names neither it nor another beside it")
                .check(MAIN);
        assertArrows("launcher.warcache -> launcher.classpath");
    }

    private static String firstPart(String dotted) {
        int dot = dotted.indexOf('.');
        return dot < 0 ? dotted : dotted.substring(0, dot);
    }

    @Test
    void launcherKnowsNothingOfTheWebAppOrTheModel() {
        assertTrue(dependsOn(LAUNCHER + "..", "org.eclipse.jetty.."), "the launcher starts Jetty");
        noClasses()
                .that()
                .resideInAPackage(LAUNCHER + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(WEB + "..", MODEL + "..", T + "repository..")
                .check(MAIN);
    }

    /**
     * Internals break on an upgrade without a word: use them only where no supported API exists, in one class whose
     * test says when they change (StopSignals, for sun.misc.Signal; ParquetOptions, for parquet-java's read options
     * without Hadoop, ParquetOptionsTest). com.sun.management is not one: it is the JDK's supported, documented
     * management API (module jdk.management exports it).
     */
    @Test
    void noOtherLibrarysInternalsButTheSignalHandlerInItsOwnClass() {
        noClasses()
                .that()
                .resideInAPackage("org.tabserve..")
                .and()
                .doNotHaveFullyQualifiedName(LAUNCHER + ".StopSignals")
                .should()
                .dependOnClassesThat(resideInAnyPackage("..internal..", "sun..", "com.sun..", "jdk.internal..")
                        .and(resideOutsideOfPackages("com.sun.management..")))
                .check(MAIN);
        noClasses()
                .that()
                .resideInAPackage("org.tabserve..")
                .should()
                .callMethodWhere(describe(
                        "the method reflects into a private member (but ParquetOptions' setAccessible)",
                        (JavaMethodCall call) -> call.getName().matches("getDeclaredField|getDeclaredMethod")
                                || (call.getName().equals("setAccessible")
                                        && !call.getOriginOwner()
                                                .getName()
                                                .startsWith(T + "rows.parquet.ParquetOptions"))))
                .check(MAIN);
    }

    /**
     * The MLflow directory reader (model.mlflow) reads YAML and JSON and names no other tabserve package: it hands the
     * loader a path and a format, and never loads a model itself (no ONNX Runtime, no tree reader).
     */
    @Test
    void theMlflowReaderImportsOnlyTheJdkSnakeYamlAndJacksonCore() {
        assertTrue(dependsOn(MODEL + ".mlflow", "org.yaml.snakeyaml.constructor"), "the scan found its dependencies");
        classes()
                .that()
                .resideInAPackage(MODEL + ".mlflow")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(JDK, "org.yaml.snakeyaml..", "com.fasterxml.jackson.core..", MODEL + ".mlflow")
                .check(MAIN);
    }

    /**
     * A rule that the packages under {@code root} stand on floors: each class of a package on a floor names (by
     * import, or fully qualified) only packages under {@code root} on the floors below its own or its own package,
     * never one on its floor or above; {@code root} itself is the ground floor when {@code floors} holds {@code ""},
     * else it stands above them all and no floor may name it. A package under {@code root} on no floor (but those
     * {@code above} the root, left out) fails the rule too. A floor's package holds its sub-packages unless one of
     * them is on a floor of its own.
     */
    private static com.tngtech.archunit.lang.ArchRule floors(
            String root, boolean rootIsGround, List<List<String>> floors, List<String> above) {
        Map<String, Integer> floorOf = new TreeMap<>();
        for (int i = 0; i < floors.size(); i++) {
            for (String room : floors.get(i)) {
                floorOf.put(room.isEmpty() ? root : root + "." + room, i);
            }
        }
        DescribedPredicate<JavaClass> onFloors = describe(
                "are of a package under " + root + (above.isEmpty() ? "" : " but " + above),
                c -> (c.getPackageName().equals(root) && rootIsGround)
                        || (c.getPackageName().startsWith(root + ".")
                                && above.stream()
                                        .noneMatch(a -> (c.getPackageName() + ".").startsWith(root + "." + a + "."))));
        return classes()
                .that(onFloors)
                .should(new ArchCondition<JavaClass>("name only the packages on the floors below their own " + floors) {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        String from = roomOf(c.getPackageName(), root, floorOf);
                        if (from == null) {
                            events.add(SimpleConditionEvent.violated(
                                    c, c.getPackageName() + " stands on no floor of " + floors));
                            return;
                        }
                        for (Dependency d : c.getDirectDependenciesFromSelf()) {
                            String target =
                                    d.getTargetClass().getBaseComponentType().getPackageName();
                            if (!target.equals(root) && !target.startsWith(root + ".")) {
                                continue;
                            }
                            String to = roomOf(target, root, floorOf);
                            boolean below = to != null && floorOf.get(to) < floorOf.get(from);
                            if (!from.equals(to) && !below) {
                                events.add(SimpleConditionEvent.violated(d, "upward: " + d.getDescription()));
                            }
                        }
                    }
                });
    }

    /** The floor's package {@code pkg} belongs to: the longest that holds it (the root only itself), or null. */
    private static String roomOf(String pkg, String root, Map<String, Integer> floorOf) {
        String room = null;
        for (String candidate : floorOf.keySet()) {
            boolean holds = candidate.equals(root) ? pkg.equals(root) : (pkg + ".").startsWith(candidate + ".");
            if (holds && (room == null || candidate.length() > room.length())) {
                room = candidate;
            }
        }
        return room;
    }

    /**
     * Whether a class of {@code from} names a class of {@code to} (ArchUnit package patterns: {@code a.b} the package
     * alone, {@code a.b..} with its sub-packages): the rules' own check that they read what they judge.
     */
    private static boolean dependsOn(String from, String to) {
        var fromMatcher = com.tngtech.archunit.core.domain.PackageMatcher.of(from);
        var toMatcher = com.tngtech.archunit.core.domain.PackageMatcher.of(to);
        for (JavaClass c : MAIN) {
            if (fromMatcher.matches(c.getPackageName())) {
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    String target = d.getTargetClass().getBaseComponentType().getPackageName();
                    if (toMatcher.matches(target)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Asserts each arrow, {@code "a -> b"}, packages under {@code org.tabserve.model} or {@code org.tabserve}. */
    private static void assertArrows(String... arrows) {
        for (String arrow : arrows) {
            String[] ends = arrow.split(" -> ");
            String base = arrow.startsWith("explain")
                            || arrow.startsWith("card")
                            || arrow.startsWith("conformal")
                            || arrow.startsWith("onnx")
                    ? MODEL + "."
                    : T;
            assertTrue(dependsOn(base + ends[0], base + ends[1]), "the scan found the arrow " + arrow);
        }
    }
}
