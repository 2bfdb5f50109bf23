package org.tabserve.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.tabserve.model.onnx.GraphFacts;
import org.tabserve.model.onnx.OnnxFormatException;
import org.tabserve.model.onnx.OnnxGraph;
import org.tabserve.model.onnx.OnnxLimitException;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Owns one ONNX Runtime session for one tabular model, a classifier or a regressor, and turns a {@link Batch} into
 * {@link Prediction}s: it reads the graph (with {@link OnnxGraph}) and ONNX Runtime's view of it into a
 * {@link ModelSignature}, binds each input as a tensor of its own type ({@link InputBinder}), runs the graph in chunks
 * of its fixed batch where it has one, and decodes the outputs ({@link OutputDecoder}).
 *
 * <p>Loading checks everything up front: inputs of types and shapes tabserve serves, an output it understands
 * ({@link OutputKind}), a card consistent with the graph, and a warm-up prediction. A model that fails any check is
 * refused with one message naming the file and the reason, and nothing stays open.
 *
 * <p>Thread-safety: one instance is shared by all request threads; ONNX Runtime allows concurrent {@code run} calls
 * on one session, and {@link #close()} may come at any time: the session is freed only after the last prediction
 * inside it returns (a swapped model can be closed while a scoring thread is still running it).
 */
public final class OnnxModel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OnnxModel.class.getName());

    private final String source;
    private final String sha256;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final SignatureReader.Outputs outputs;
    /** A regressor's output as the graph names it; null for a classifier. */
    private final ValueOutput valueOutput;
    private final ModelSignature signature;
    private final ModelCard card;
    private final Set<String> outputNames;
    private final InputBinder binder;
    /** Output tensors ORT writes a single row's answers into, reused; null when an output cannot be pinned. */
    private final PinnedOutputs pinned;
    private final OutputDecoder decoder;
    /** Every prediction holds a use while it is inside the session; the session is closed after the last one. */
    private final UseCount uses = new UseCount(this::closeQuietly);

    /**
     * Loads a model with one intra-op thread per prediction, the fastest setting for small tabular models served
     * to many concurrent requests.
     *
     * @param file the ONNX file
     * @return a model ready to predict (already warmed up)
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} when the file cannot be served
     */
    public static OnnxModel load(Path file) {
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
    public static OnnxModel load(Path file, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        }
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw ModelException.unusable(source, "no such file", null);
        }
        // A private copy, mapped, not read into the heap: a model may be far larger than a small heap (-Xmx64m
        // serving a 150 MB forest), and a mapping of the file itself would kill the JVM if someone truncated it while
        // it loads (PrivateCopy). ONNX Runtime parses the bytes into its own native memory, so the mapping is needed
        // only until the session exists. The session is built from bytes, not from a path, so that a model cannot
        // make ONNX Runtime open files beside it (external data).
        ByteBuffer bytes = PrivateCopy.of(file);
        return load(source, file.getFileName().toString().replaceFirst("\\.onnx$", ""), bytes, intraOpThreads);
    }

    /** Loads a model from bytes nobody else can change (a private copy); the tests' way to hand it others. */
    static OnnxModel load(String source, String fileName, ByteBuffer bytes, int intraOpThreads) {
        try {
            return new OnnxModel(source, fileName, bytes, intraOpThreads);
        } catch (InternalError | StackOverflowError e) {
            throw unusable(source, e); // before the session existed; the constructor closes it after
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
        return ModelException.unusable(source, e instanceof StackOverflowError
                ? "it is nested too deeply to be read" : "reading it failed (" + e.getMessage() + ")", e);
    }

    private OnnxModel(String source, String fileName, ByteBuffer bytes, int intraOpThreads) {
        this.source = source;
        this.sha256 = sha256(bytes);
        this.env = environment();
        OnnxGraph parsed = parsedOrNull(source, bytes);
        ZipMapProbabilities zipMapTensor = parsed == null ? null : ZipMapProbabilities.of(parsed).orElse(null);
        this.session = zipMapTensor == null ? openSession(source, bytes, env, intraOpThreads)
                : openExposing(source, bytes, zipMapTensor, env, intraOpThreads);
        try {
            OnnxGraph graph = parsed != null ? parsed : OnnxGraph.read(bytes);
            GraphFacts facts = GraphFacts.of(graph);
            OnnxModelMetadata metadata = session.getMetadata();
            CardReader cardReader = new CardReader(metadata.getCustomMetadata());
            List<ModelInput> inputs = SignatureReader.inputs(session.getInputInfo(), facts, cardReader);
            int fixedBatch = SignatureReader.fixedBatch(session.getInputInfo());
            // The graph's own outputs: the ZipMap's tensor, when exposed, is read in its place, never as one more.
            Map<String, NodeInfo> outputInfo = new LinkedHashMap<>(session.getOutputInfo());
            NodeInfo exposed = zipMapTensor == null ? null : outputInfo.remove(zipMapTensor.tensor());
            Task task = SignatureReader.task(source, outputInfo, facts, cardReader);
            this.outputs = task == Task.REGRESSION ? SignatureReader.regressionOutput(outputInfo)
                    : SignatureReader.classifierOutputs(outputInfo);
            if (exposed == null || outputs.kind() != OutputKind.LABEL_AND_ZIPMAP
                    || !outputs.zipMap().equals(zipMapTensor.zipMap())
                    || !(exposed.getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT)) {
                zipMapTensor = null;
            }
            this.outputNames = Set.copyOf(served(outputs.names(), zipMapTensor));
            this.pinned = PinnedOutputs.of(env, session.getOutputInfo(), outputNames);
            this.valueOutput = outputs.value(outputInfo);
            boolean logits = SignatureReader.logits(source, outputs, facts, cardReader);
            Map<String, FeatureStats> stats = cardReader.featureStats().orElse(Map.of());

            // The warm-up row: the training means where the card has them, a known category, else zeros and "".
            ModelSignature provisional = new ModelSignature(inputs, task,
                    task == Task.CLASSIFICATION ? List.of("?") : List.of(),
                    task == Task.CLASSIFICATION ? OutputKind.PROBABILITIES : OutputKind.VALUE, false, fixedBatch);
            Batch warmUp = Batch.of(provisional, List.<Object[]>of(warmUpRow(provisional, stats)));
            List<Object> keys = null;
            List<String> classes = List.of();
            if (task == Task.CLASSIFICATION) {
                keys = outputs.kind() == OutputKind.LABEL_AND_ZIPMAP ? zipMapKeysOf(warmUp, provisional) : null;
                classes = classes(cardReader, facts, keys, warmUp, provisional);
            }
            this.signature = new ModelSignature(inputs, task, classes, outputs.kind(), logits, fixedBatch);
            this.binder = InputBinder.sharing(env, signature);
            this.decoder = new OutputDecoder(signature, outputs, keys == null ? null : orderKeys(keys, classes),
                    zipMapTensor);
            this.card = ModelCards.of(signature, cardReader, metadata, fileName, stats, graph, facts);
            predict(Batch.of(signature, List.<Object[]>of(warmUpRow(signature, stats))));
        } catch (OrtException e) {
            closeQuietly();
            throw ModelException.unusable(source, "ONNX Runtime cannot read it (" + inWords(source, e) + ")", e);
        } catch (OnnxFormatException e) {
            closeQuietly();
            throw ModelException.unusable(source, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            closeQuietly();
            throw ModelException.unusable(source, e.getMessage(), e);
        } catch (ModelException e) {
            closeQuietly();
            if (e.kind() == ModelException.Kind.UNUSABLE_MODEL) {
                throw e;
            }
            throw ModelException.unusable(source, "the warm-up prediction failed (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw ModelException.unusable(source, "unexpected failure while loading (" + e + ")", e);
        } catch (InternalError | StackOverflowError e) {
            closeQuietly();
            throw unusable(source, e);
        }
        LOG.log(System.Logger.Level.INFO, "Loaded model {0} from {1} (sha256 {2}): {3}, inputs {4}, classes {5},"
                        + " output {6}{7}", card.name(), source, sha256.substring(0, 12), signature.task().jsonName(),
                signature.features(), signature.classLabels(), signature.outputKind(),
                signature.fixedBatch() > 0 ? ", fixed batch " + signature.fixedBatch() : "");
    }

    /**
     * The process's one ONNX Runtime environment. The first call creates it and registers a shutdown hook thread,
     * which inherits the calling thread's context class loader; it is created under ONNX Runtime's own loader so
     * that, when ONNX Runtime is shared by the container (lib/ext), the hook does not keep this web app's class
     * loader alive after an undeploy.
     */
    private static OrtEnvironment environment() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        OrtEnvironment env;
        thread.setContextClassLoader(OrtEnvironment.class.getClassLoader());
        try {
            env = OrtEnvironment.getEnvironment();
        } finally {
            thread.setContextClassLoader(previous);
        }
        try {
            env.setTelemetry(false);
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime telemetry could not be switched off", e);
        }
        return env;
    }

    /**
     * The graph, or null when it is malformed (read again later, inside the checks that report the failure, so that
     * ONNX Runtime's reason comes first). Text past the limits is refused here, before ONNX Runtime's metadata call
     * would turn all of it into strings.
     */
    private static OnnxGraph parsedOrNull(String source, ByteBuffer bytes) {
        try {
            return OnnxGraph.read(bytes);
        } catch (OnnxLimitException e) {
            throw ModelException.unusable(source, e.getMessage(), e);
        } catch (OnnxFormatException | RuntimeException e) {
            return null;
        }
    }

    /** A session whose graph also outputs its ZipMap's tensor; the file's own graph if ONNX Runtime refuses that. */
    private static OrtSession openExposing(String source, ByteBuffer bytes, ZipMapProbabilities zipMapTensor,
                                           OrtEnvironment env, int intraOpThreads) {
        try {
            return openSession(source, zipMapTensor.exposedIn(bytes), env, intraOpThreads);
        } catch (ModelException | java.io.UncheckedIOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: its ZipMap''s tensor cannot be an output; its maps are read", source);
            return openSession(source, bytes, env, intraOpThreads);
        }
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

    private static OrtSession openSession(String source, ByteBuffer bytes, OrtEnvironment env, int intraOpThreads) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env.createSession(bytes.duplicate(), options);
        } catch (OrtException e) {
            throw ModelException.unusable(source, "not a valid ONNX model (" + inWords(source, e) + ")", e);
        }
    }

    /** One valid row for a warm-up: training means, known categories, else zeros, "" and false. */
    private static Object[] warmUpRow(ModelSignature signature, Map<String, FeatureStats> stats) {
        List<Feature> features = signature.features();
        Object[] row = new Object[features.size()];
        for (int i = 0; i < row.length; i++) {
            Feature feature = features.get(i);
            FeatureStats s = stats.get(feature.name());
            row[i] = switch (feature.type()) {
                case FLOAT, DOUBLE -> s == null ? 0.0 : s.mean();
                case INT64, INT32 -> feature.categories().isEmpty() ? 0L : Long.parseLong(feature.categories().get(0));
                case STRING -> feature.categories().isEmpty() ? "" : feature.categories().get(0);
                case BOOL -> Boolean.FALSE;
            };
        }
        return row;
    }

    /** Runs the warm-up row once and returns the ZipMap's keys, in natural order (numeric or lexicographic). */
    private List<Object> zipMapKeysOf(Batch warmUp, ModelSignature provisional) throws OrtException {
        try (InputBinder.Bound bound = new InputBinder(env, provisional).bind(warmUp, 0, 1, provisional.fixedBatch());
             OrtSession.Result result = session.run(bound.tensors(), Set.of(outputs.zipMap()))) {
            // getValue() makes a native map per row that nothing else frees: closed here once read.
            List<? extends ai.onnxruntime.OnnxValue> maps =
                    ((OnnxSequence) result.get(outputs.zipMap()).orElseThrow()).getValue();
            try {
                List<Object> keys = new ArrayList<>(((OnnxMap) maps.get(0)).getValue().keySet());
                keys.sort(null);
                return keys;
            } finally {
                maps.forEach(ai.onnxruntime.OnnxValue::close);
            }
        }
    }

    /**
     * The class labels in probability-column order: the card's, else the ZipMap's keys, else the graph's own
     * (a classifier op's or ZipMap's classlabels attribute), else 0..C-1 for integer labels.
     */
    private List<String> classes(CardReader cardReader, GraphFacts facts, List<Object> zipKeys, Batch warmUp,
                                 ModelSignature provisional) throws OrtException {
        long width = outputs.declaredClasses();
        if (zipKeys != null) {
            width = zipKeys.size();
        } else if (width < 1) {
            // The probability tensor's column count is free in the graph: ask the model.
            try (InputBinder.Bound bound = new InputBinder(env, provisional).bind(warmUp, 0, 1,
                    provisional.fixedBatch());
                 OrtSession.Result result = session.run(bound.tensors(), Set.of(outputs.probabilities()))) {
                width = ((OnnxTensor) result.get(outputs.probabilities()).orElseThrow()).getInfo().getShape()[1];
            }
        }
        long classCount = width == 1 ? 2 : width; // one column: the probability of the second class
        if (classCount > CardLimits.CLASSES) {
            // Each class is a label in every answer and on every page: refused before any list of them is made.
            throw new IllegalArgumentException("its output has " + classCount + " classes; tabserve serves at most "
                    + CardLimits.CLASSES);
        }
        List<String> fromCard = cardReader.stringList(CardKeys.CLASSES, CardLimits.CLASSES).orElse(null);
        if (fromCard != null) {
            if (fromCard.size() != classCount) {
                throw new IllegalArgumentException("metadata '" + CardKeys.CLASSES + "' names " + fromCard.size()
                        + " classes but the model's output has " + classCount);
            }
            if (zipKeys != null && !new LinkedHashSet<>(fromCard).equals(new LinkedHashSet<>(zipKeys.stream().map(String::valueOf).toList()))) {
                throw new IllegalArgumentException("metadata '" + CardKeys.CLASSES + "' " + fromCard
                        + " does not match the ZipMap's keys " + zipKeys);
            }
            return fromCard;
        }
        if (zipKeys != null) {
            return zipKeys.stream().map(String::valueOf).toList();
        }
        if (facts.classLabels().isPresent() && facts.classLabels().get().labels().size() == classCount) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: class labels from {1}", source, facts.classLabels().get().origin());
            return facts.classLabels().get().labels();
        }
        if (outputs.labelType() == ai.onnxruntime.OnnxJavaType.STRING) {
            throw new IllegalArgumentException("it has a string label output '" + outputs.label() + "' but neither its"
                    + " graph nor its metadata ('" + CardKeys.CLASSES + "') names the probability columns; add that key");
        }
        // Integer labels without a card are taken to be 0..C-1 (scikit-learn's encoding); every prediction checks it.
        return IntStream.range(0, (int) classCount).mapToObj(Integer::toString).toList();
    }

    private static List<Object> orderKeys(List<Object> keys, List<String> classes) {
        List<Object> ordered = new ArrayList<>();
        for (String label : classes) {
            ordered.add(keys.stream().filter(k -> String.valueOf(k).equals(label)).findFirst().orElseThrow());
        }
        return List.copyOf(ordered);
    }

    /** @return what the model takes and gives */
    public ModelSignature signature() {
        return signature;
    }

    /**
     * @return a regressor's output tensor, named and typed as the graph has it (for protocols that name outputs);
     *         empty for a classifier
     */
    public java.util.Optional<ValueOutput> valueOutput() {
        return java.util.Optional.ofNullable(valueOutput);
    }

    /** @return what the model says about itself */
    public ModelCard card() {
        return card;
    }

    /** @return the SHA-256 of the model file, in lower-case hex */
    public String sha256() {
        return sha256;
    }

    /** @return where the model was loaded from */
    public String source() {
        return source;
    }

    /**
     * Predicts one row of plain numbers (see {@link #predict(double[][])}).
     *
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} naming each bad value, or
     *                        {@link ModelException.Kind#PREDICTION_FAILED}
     */
    public Prediction predict(double[] row) {
        return predict(new double[][]{row}).get(0);
    }

    /**
     * Predicts rows of plain numbers, for a model whose features are all numbers that may not be missing.
     *
     * @param rows values in {@link ModelSignature#featureNames()} order, one array per row
     * @return one prediction per row, in the same order
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} naming every bad value with its row, or
     *                        {@link ModelException.Kind#PREDICTION_FAILED}
     */
    public List<Prediction> predict(double[][] rows) {
        if (!uses.acquire()) {
            throw closed();
        }
        try {
            return rows.length == 0 ? List.of() : predictHeld(Batch.ofNumbers(signature, rows));
        } finally {
            uses.release();
        }
    }

    /**
     * Predicts a batch in one ONNX Runtime call, or in chunks of the graph's fixed batch size.
     *
     * @param batch rows checked against this model's signature
     * @return one prediction per row, in the same order
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} for rows whose values make the model return
     *                        no finite answer, or {@link ModelException.Kind#PREDICTION_FAILED}
     */
    public List<Prediction> predict(Batch batch) {
        if (batch.signature() != signature && !batch.signature().equals(signature)) {
            throw new IllegalArgumentException("the batch was checked against another model's signature");
        }
        if (!uses.acquire()) {
            throw closed();
        }
        try {
            return batch.size() == 0 ? List.of() : predictHeld(batch);
        } finally {
            uses.release();
        }
    }

    private ModelException closed() {
        return ModelException.predictionFailed("the model " + source + " has been closed", null);
    }

    private List<Prediction> predictHeld(Batch batch) {
        int chunk = signature.fixedBatch() > 0 ? signature.fixedBatch() : batch.size();
        List<Prediction> predictions = new ArrayList<>(batch.size());
        for (int from = 0; from < batch.size(); from += chunk) {
            int count = Math.min(chunk, batch.size() - from);
            predictions.addAll(run(batch, from, count, signature.fixedBatch()));
        }
        refuseNonFinite(batch, predictions);
        return predictions;
    }

    private List<Prediction> run(Batch batch, int from, int count, int padTo) {
        // One row writes into pinned outputs, read before they go back to the pool; the Result holds them but
        // does not close them. Closing the bound inputs frees only what this call made: shared text tensors stay.
        Map<String, OnnxTensor> into = null;
        try {
            into = pinned != null && Math.max(count, padTo) == 1 ? pinned.take() : null;
            try (InputBinder.Bound bound = binder.bind(batch, from, count, padTo);
                 OrtSession.Result result = into == null ? session.run(bound.tensors(), outputNames)
                         : session.run(bound.tensors(), Set.of(), into)) {
                return decoder.decode(result, count);
            }
        } catch (OrtException e) {
            throw ModelException.predictionFailed("ONNX Runtime failed to predict " + count + " rows with "
                    + source + " (" + OrtMessages.inWords(e) + ")", e); // the whole message stays in the cause
        } finally {
            if (into != null) {
                pinned.give(into);
            }
        }
    }

    /**
     * A row whose answer is not finite overflowed inside the model: its values are the caller's problem, reported on
     * the number features that lie outside the training range (all of them when the card has no ranges).
     */
    private void refuseNonFinite(Batch batch, List<Prediction> predictions) {
        List<Feature> features = signature.features();
        ModelSignature.FieldErrors errors = new ModelSignature.FieldErrors();
        for (int r = 0; r < predictions.size(); r++) {
            if (predictions.get(r) != null) {
                continue;
            }
            List<Integer> blamed = new ArrayList<>();
            List<Integer> numbers = new ArrayList<>();
            for (int i = 0; i < features.size(); i++) {
                if (!features.get(i).type().isNumber()) {
                    continue;
                }
                numbers.add(i);
                FeatureStats stats = card == null ? null : card.featureStats().get(features.get(i).name());
                if (stats == null || !stats.contains(batch.number(r, i))) {
                    blamed.add(i);
                }
            }
            for (int i : blamed.isEmpty() ? numbers : blamed) {
                errors.add(r, features.get(i).name(), "feature '" + features.get(i).name() + "' = "
                        + (float) batch.number(r, i) + " makes the model return no finite "
                        + (signature.task() == Task.REGRESSION ? "value" : "probabilities")
                        + "; use values nearer the training range");
            }
            if (numbers.isEmpty()) {
                errors.add(r, "row", "the model returned no finite answer for this row");
            }
        }
        errors.throwIfAny();
    }

    /**
     * ONNX Runtime's reason in words for a message that anonymous callers may see; its whole message, with its
     * source paths, goes to the log (its Java stack, which ends in the native call, only at DEBUG: a bad model is
     * the operator's news, not a server fault, and the launcher's refusal stays one line).
     */
    private static String inWords(String source, OrtException e) {
        LOG.log(System.Logger.Level.INFO, source + ": ONNX Runtime says: " + e.getMessage());
        LOG.log(System.Logger.Level.DEBUG, source + ": where ONNX Runtime said it", e);
        return OrtMessages.inWords(e);
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

    private void closeQuietly() {
        if (binder != null) {
            binder.close(); // its shared tensors: no run can use them any more
        }
        if (pinned != null) {
            pinned.close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.WARNING, "Closing the session of " + source + " failed", e);
        }
    }

    /**
     * Releases the native session once no prediction is inside it: at once when none is, otherwise when the last one
     * returns (on its thread). New predictions are refused from now on. Closing twice is harmless.
     */
    @Override
    public void close() {
        uses.releaseOwner();
    }

    @Override
    public String toString() {
        return "OnnxModel[" + card.name() + " " + sha256.substring(0, 12) + " from " + source + "]";
    }
}
