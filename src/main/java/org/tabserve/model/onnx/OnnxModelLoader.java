package org.tabserve.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.Model;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.cardread.CardJsonReader;
import org.tabserve.model.onnx.cardread.CardReader;
import org.tabserve.model.onnx.copy.PrivateCopy;
import org.tabserve.model.onnx.engine.PlainCheck;
import org.tabserve.model.onnx.engine.PlainEngine;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxLimitException;
import org.tabserve.model.onnx.graph.facts.FactFinder;
import org.tabserve.model.onnx.graph.facts.GraphFacts;
import org.tabserve.model.onnx.shapley.LoadRoom;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueOutput;

/**
 * Loads an ONNX file into a {@link Model}: it reads a private copy of the file, opens the ONNX Runtime session (in
 * the process's one {@link OnnxEnvironment}), reads
 * the graph (with {@link OnnxGraph}) and ONNX Runtime's view of it into a {@link ModelSignature} and a card, and warms
 * the model up; the one way the repository, the web app and the commands get a model.
 *
 * <p>Loading checks everything up front: inputs of types and shapes tabserve serves, an output it understands
 * ({@link OutputKind}), a card consistent with the graph, and a warm-up prediction. A model that fails any check is
 * refused with one message naming the file and the reason, and nothing stays open.
 *
 * <p>Why it is a little over 300 lines: it is the load's steps in order, each with the failure it reports, and the
 * one place that frees what a failed load opened; the class labels are found by {@link ClassLabels}, the sessions
 * opened by {@link SessionOpener}, the warm-up row made by {@link WarmUpRow}.
 */
public final class OnnxModelLoader {

    private static final System.Logger LOG = System.getLogger(OnnxModelLoader.class.getName());

    private final String source;
    private final ByteBuffer bytes;
    private final int intraOpThreads;

    private OnnxModelLoader(String source, ByteBuffer bytes, int intraOpThreads) {
        this.source = source;
        this.bytes = bytes;
        this.intraOpThreads = intraOpThreads;
    }

    /**
     * Loads a model with one intra-op thread per prediction, the fastest setting for small tabular models served
     * to many concurrent requests.
     *
     * @param file the ONNX file
     * @return a model ready to predict (already warmed up)
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} when the file cannot be served
     */
    public static Model load(Path file) {
        return load(file, 1);
    }

    /**
     * Loads a model.
     *
     * @param file           the ONNX file
     * @param intraOpThreads threads ONNX Runtime may use inside one prediction (at least 1)
     * @return a model ready to predict (already warmed up)
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} when the file cannot be served
     */
    public static Model load(Path file, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        }
        String source = file.toString();
        // A private copy, mapped, not read into the heap: a model may be far larger than a small heap (-Xmx64m
        // serving a 150 MB forest), and a mapping of the file itself would kill the JVM if someone truncated it while
        // it loads (PrivateCopy). ONNX Runtime parses the bytes into its own native memory, so the mapping is needed
        // only until the session exists. The session is built from bytes, not from a path, so that a model cannot
        // make ONNX Runtime open files beside it (external data).
        ByteBuffer bytes = PrivateCopy.of(file);
        return load(source, fileName(file), bytes, intraOpThreads);
    }

    /**
     * The bytes of a local model file, for a caller that sends them elsewhere (the Spark connector's driver, which
     * broadcasts them), checked as {@link #load(Path)} checks a file before a byte of it is read: a regular file
     * (links followed) of at most 2 GB, unchanged while it was read.
     *
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} when it is none, naming what it is
     */
    public static byte[] bytes(Path file) {
        return PrivateCopy.bytes(file);
    }

    /**
     * Loads the classes a load reads a model's card with (Jackson's databind), for a caller with a spare thread while
     * another starts a load (the launcher's {@code ModelAhead}); never throws: the load itself meets, and reports,
     * whatever goes wrong here.
     */
    public static void loadClassesAhead() {
        CardJsonReader.warm();
    }

    /** A file being installed into a model directory: {@code .NAME.UUID.onnx.part} (the repository's installer). */
    private static final java.util.regex.Pattern STAGED = java.util.regex.Pattern.compile(
            "^\\.(.+)\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.onnx\\.part$");

    /**
     * The name a file gives a model whose card and graph name none: the file's name without {@code .onnx}, and for a
     * file still being installed the name it is installed under, never its temporary name.
     */
    static String fileName(Path file) {
        String name = file.getFileName().toString();
        java.util.regex.Matcher staged = STAGED.matcher(name);
        return staged.matches() ? staged.group(1) : name.replaceFirst("\\.onnx$", "");
    }

    /** Loads a model from bytes nobody else can change (a private copy); the tests' way to hand it others. */
    static OnnxModel load(String source, String fileName, ByteBuffer bytes, int intraOpThreads) {
        try {
            return new OnnxModelLoader(source, bytes, intraOpThreads).assemble(fileName);
        } catch (InternalError | StackOverflowError e) {
            throw unusable(source, e); // before the session existed; assemble closes it after
        }
    }

    /**
     * A model that made the loader fail with an {@link Error} that leaves the JVM sound, which is then only this
     * model's problem: an {@link InternalError} is a fault reading mapped memory (an I/O error under the private
     * copy), a {@link StackOverflowError} a structure nested too deeply for a reader; both are thrown on this thread
     * alone and unwind it. Other errors stay errors: an OutOfMemoryError ends the process as the flags ask, and a
     * LinkageError (ONNX Runtime's native library missing) is the server's problem, not the model's.
     */
    private static ModelException unusable(String source, Error e) {
        LOG.log(System.Logger.Level.WARNING, source + ": loading failed with " + e, e);
        return ModelException.unusable(
                source,
                e instanceof StackOverflowError
                        ? "it is nested too deeply to be read"
                        : "reading it failed (" + e.getMessage() + ")",
                e);
    }

    private OnnxModel assemble(String fileName) {
        String sha256 = sha256(bytes);
        OrtEnvironment env = OnnxEnvironment.get();
        SessionOpener sessions = new SessionOpener(source, intraOpThreads, env, LOG);
        OnnxGraph parsed = parsedOrNull();
        ZipMapProbabilities zipMapTensor =
                parsed == null ? null : ZipMapProbabilities.of(parsed).orElse(null);
        OrtSession session = zipMapTensor == null ? sessions.open(bytes) : sessions.openExposing(zipMapTensor, bytes);
        PinnedOutputs pinned = null;
        InputBinder binder = null;
        OnnxModel model = null;
        try {
            OnnxGraph graph = parsed != null ? parsed : GraphParser.parse(bytes);
            GraphFacts facts = FactFinder.find(graph);
            OnnxModelMetadata metadata = session.getMetadata();
            CardReader cardReader = new CardReader(metadata.getCustomMetadata());
            List<ModelInput> inputs = SignatureReader.inputs(session.getInputInfo(), facts, cardReader);
            int fixedBatch = SignatureReader.fixedBatch(session.getInputInfo());
            // The graph's own outputs: the ZipMap's tensor, when exposed, is read in its place, never as one more.
            Map<String, NodeInfo> outputInfo = new LinkedHashMap<>(session.getOutputInfo());
            NodeInfo exposed = zipMapTensor == null ? null : outputInfo.remove(zipMapTensor.tensor());
            Map<String, FeatureStats> stats = cardReader.featureStats().orElse(Map.of());
            ModelSignature probe = new ModelSignature(
                    inputs, Task.CLASSIFICATION, List.of("?"), OutputKind.PROBABILITIES, false, fixedBatch);
            outputInfo = UndeclaredShapes.filledIn(
                    source,
                    env,
                    session,
                    outputInfo,
                    Batch.of(probe, List.<Object[]>of(WarmUpRow.of(probe, stats))),
                    probe);
            Task task = SignatureReader.task(source, outputInfo, facts, cardReader);
            SignatureReader.Outputs outputs = task == Task.REGRESSION
                    ? SignatureReader.regressionOutput(outputInfo)
                    : SignatureReader.classifierOutputs(outputInfo);
            if (exposed == null
                    || outputs.kind() != OutputKind.LABEL_AND_ZIPMAP
                    || !outputs.zipMap().equals(zipMapTensor.zipMap())
                    || !(exposed.getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT)) {
                zipMapTensor = null;
            }
            Set<String> outputNames = Set.copyOf(served(outputs.names(), zipMapTensor));
            pinned = PinnedOutputs.of(env, session.getOutputInfo(), outputNames);
            ValueOutput valueOutput = outputs.value(outputInfo);
            boolean logits = SignatureReader.logits(source, outputs, facts, cardReader);

            // The warm-up row: the training means where the card has them, a known category, else zeros and "".
            ModelSignature provisional = new ModelSignature(
                    inputs,
                    task,
                    task == Task.CLASSIFICATION ? List.of("?") : List.of(),
                    task == Task.CLASSIFICATION ? OutputKind.PROBABILITIES : OutputKind.VALUE,
                    false,
                    fixedBatch);
            Batch warmUp = Batch.of(provisional, List.<Object[]>of(WarmUpRow.of(provisional, stats)));
            List<Object> keys = null;
            List<String> classes = List.of();
            if (task == Task.CLASSIFICATION) {
                ClassLabels labels = new ClassLabels(source, env, session, outputs);
                keys = outputs.kind() == OutputKind.LABEL_AND_ZIPMAP ? labels.zipMapKeys(warmUp, provisional) : null;
                classes = labels.classes(cardReader, facts, keys, warmUp, provisional);
            }
            ModelSignature signature = new ModelSignature(inputs, task, classes, outputs.kind(), logits, fixedBatch)
                    .withRowCheck(PlainEngine.rowCheck(source, graph, inputs, outputNames));
            binder = InputBinder.sharing(env, signature);
            OutputDecoder decoder = new OutputDecoder(
                    signature, outputs, keys == null ? null : ClassLabels.orderKeys(keys, classes), zipMapTensor);
            ModelCard card = ModelCards.of(signature, cardReader, metadata, fileName, graph, facts);
            model = new OnnxModel(
                    source, sha256, session, signature, card, valueOutput, outputNames, binder, pinned, decoder);
            model.predict(Batch.of(signature, List.<Object[]>of(WarmUpRow.of(signature, stats))));
            if (structural()) {
                model.explainedBy(AttributeExplainer.build(
                        source,
                        bytes,
                        graph,
                        signature,
                        card.background(),
                        zipMapTensor,
                        binder,
                        decoder,
                        outputNames,
                        sessions::open));
            }
            DeclaredShapes.say(source, env, session, graph, signature, WarmUpRow.of(signature, stats));
            PlainCheck.decide(model, graph, signature);
        } catch (OrtException e) {
            close(model, session, binder, pinned);
            throw ModelException.unusable(source, "ONNX Runtime cannot read it (" + sessions.inWords(e) + ")", e);
        } catch (OnnxFormatException e) {
            close(model, session, binder, pinned);
            throw ModelException.unusable(source, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            close(model, session, binder, pinned);
            throw ModelException.unusable(source, e.getMessage(), e);
        } catch (ModelException e) {
            close(model, session, binder, pinned);
            if (e.kind() == ModelException.Kind.UNUSABLE_MODEL) {
                throw e;
            }
            throw ModelException.unusable(source, "the warm-up prediction failed (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            close(model, session, binder, pinned);
            // A fault of tabserve's reading of this kind of model, not words for a user: the log has it in full.
            LOG.log(System.Logger.Level.WARNING, source + ": loading failed unexpectedly", e);
            throw ModelException.unexpected(source, "this model's inputs and outputs", e);
        } catch (InternalError | StackOverflowError e) {
            close(model, session, binder, pinned);
            throw unusable(source, e);
        }
        ModelSignature signature = model.signature();
        // At debug level: what serves it logs the one short line a load is (the inputs are /api/model's too).
        LOG.log(
                System.Logger.Level.DEBUG,
                "Loaded model {0} from {1} (sha256 {2}): {3}, inputs {4}, classes {5}," + " output {6}{7}",
                model.card().name(),
                source,
                sha256.substring(0, 12),
                signature.task().jsonName(),
                signature.features(),
                signature.classLabels(),
                signature.outputKind(),
                signature.fixedBatch() > 0 ? ", fixed batch " + signature.fixedBatch() : "");
        return model;
    }

    /** Frees what a failed load opened: the model once it exists (it owns the rest), else the parts themselves. */
    private void close(OnnxModel model, OrtSession session, InputBinder binder, PinnedOutputs pinned) {
        if (model != null) {
            model.close(); // no prediction is inside it: closes now
            return;
        }
        OnnxModel.closeParts(source, session, binder, pinned);
    }

    /**
     * The graph, or null when it is malformed (read again later, inside the checks that report the failure, so that
     * ONNX Runtime's reason comes first). Text past the limits is refused here, before ONNX Runtime's metadata call
     * would turn all of it into strings.
     */
    private OnnxGraph parsedOrNull() {
        try {
            return GraphParser.parse(bytes);
        } catch (OnnxLimitException e) {
            throw ModelException.unusable(source, e.getMessage(), e);
        } catch (OnnxFormatException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether exact explainers are built ({@value LoadRoom#STRUCTURAL}: the system property, else the environment
     * variable {@code TABSERVE_EXPLAIN_STRUCTURE}; anything but {@code false} is true): a server that explains every
     * model by coalitions of rows spends no heap on reading a tree ensemble's trees.
     */
    private static boolean structural() {
        String value = System.getProperty(LoadRoom.STRUCTURAL, System.getenv("TABSERVE_EXPLAIN_STRUCTURE"));
        return value == null || !value.trim().equalsIgnoreCase("false");
    }

    /** The outputs a prediction fetches: the ZipMap's tensor instead of its maps when it is exposed. */
    private static List<String> served(List<String> names, ZipMapProbabilities zipMapTensor) {
        if (zipMapTensor == null) {
            return names;
        }
        List<String> served = new ArrayList<>(names);
        served.replaceAll(name -> name.equals(zipMapTensor.zipMap()) ? zipMapTensor.tensor() : name);
        return served;
    }

    private static String sha256(ByteBuffer bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes.duplicate());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
