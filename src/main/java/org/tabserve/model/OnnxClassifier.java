package org.tabserve.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Owns one ONNX Runtime session for one tabular classifier and turns rows of numbers into {@link Prediction}s.
 *
 * <p>Loading checks everything up front: one float input {@code [N, F]} (N free, or fixed at 1), an output
 * tabserve understands ({@link OutputKind}), a card consistent with the graph, and a warm-up prediction. A model that
 * fails any check is refused with one message naming the file and the reason, and nothing stays open.
 *
 * <p>Thread-safety: one instance is shared by all request threads; ONNX Runtime allows concurrent {@code run} calls
 * on one session, and {@link #close()} may come at any time: the session is freed only after the last prediction
 * inside it returns (a swapped model can be closed while a scoring thread is still running it).
 */
public final class OnnxClassifier implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OnnxClassifier.class.getName());

    private final String source;
    private final String sha256;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Outputs outputs;
    private final ModelSignature signature;
    private final ModelCard card;
    /** For a ZipMap output: the map key of each class, in class order (Long or String). */
    private final List<Object> zipMapKeys;
    private final Set<String> outputNames;
    /** Every prediction holds a use while it is inside the session; the session is closed after the last one. */
    private final UseCount uses = new UseCount(this::closeQuietly);

    /** The graph's outputs that tabserve reads; {@code probabilities} or {@code zipMap} is set, never both. */
    private record Outputs(OutputKind kind, String probabilities, String label, OnnxJavaType labelType,
                           String zipMap, OnnxJavaType zipMapKeyType, long declaredClasses) {
        Set<String> names() {
            Set<String> names = new LinkedHashSet<>();
            for (String name : new String[]{probabilities, label, zipMap}) {
                if (name != null) {
                    names.add(name);
                }
            }
            return names;
        }
    }

    /**
     * Loads a model with one intra-op thread per prediction, the fastest setting for small tabular models served
     * to many concurrent requests.
     *
     * @param file the ONNX file
     * @return a classifier ready to predict (already warmed up)
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} when the file cannot be served
     */
    public static OnnxClassifier load(Path file) {
        return load(file, 1);
    }

    /**
     * Loads a model.
     *
     * @param file           the ONNX file
     * @param intraOpThreads threads ONNX Runtime may use inside one prediction (at least 1)
     * @return a classifier ready to predict (already warmed up)
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} when the file cannot be served
     */
    public static OnnxClassifier load(Path file, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        }
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw ModelException.unusable(source, "no such file", null);
        }
        // Mapped, not read into the heap: a model may be far larger than a small heap (-Xmx64m serving a 150 MB
        // forest). ONNX Runtime parses the bytes into its own native memory, so the mapping is needed only until the
        // session exists. The session is built from bytes, not from the path, so that a model cannot make ONNX
        // Runtime open files beside it (external data).
        ByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw ModelException.unusable(source, "the file is larger than 2 GB, which ONNX Runtime cannot read"
                        + " from memory", null);
            }
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw ModelException.unusable(source, "cannot read the file (" + e.getMessage() + ")", e);
        }
        String fileName = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        return new OnnxClassifier(source, fileName, bytes, intraOpThreads);
    }

    private OnnxClassifier(String source, String fileName, ByteBuffer bytes, int intraOpThreads) {
        this.source = source;
        this.sha256 = sha256(bytes);
        this.env = environment();
        this.session = openSession(source, bytes, env, intraOpThreads);
        try {
            OnnxModelMetadata metadata = session.getMetadata();
            CardReader cardReader = new CardReader(metadata.getCustomMetadata());
            TensorInfo input = checkInput(session.getInputInfo());
            this.outputs = findOutputs(session.getOutputInfo());
            this.outputNames = Set.copyOf(outputs.names());
            String inputName = session.getInputInfo().keySet().iterator().next();
            boolean oneRowPerRun = input.getShape()[0] == 1;
            List<String> features = features(cardReader, input.getShape()[1]);
            boolean logits = logits(cardReader);

            // The warm-up row: the training means where the card has them, otherwise zeros.
            Map<String, FeatureStats> stats = cardReader.featureStats().orElse(Map.of());
            float[] warmUpRow = new float[features.size()];
            for (int i = 0; i < warmUpRow.length; i++) {
                FeatureStats s = stats.get(features.get(i));
                warmUpRow[i] = s == null ? 0f : (float) s.mean();
            }
            List<Object> keys = outputs.kind() == OutputKind.LABEL_AND_ZIPMAP ? zipMapKeysOf(inputName, warmUpRow) : null;
            List<String> classes = classes(cardReader, keys, inputName, warmUpRow);
            this.zipMapKeys = keys == null ? null : orderKeys(keys, classes);
            this.signature = new ModelSignature(inputName, features, classes, outputs.kind(), logits, oneRowPerRun);
            this.card = card(cardReader, metadata, fileName, stats);
            warmUp(warmUpRow);
        } catch (OrtException e) {
            closeQuietly();
            throw ModelException.unusable(source, "ONNX Runtime cannot read it (" + firstLine(e.getMessage()) + ")", e);
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
        }
        LOG.log(System.Logger.Level.INFO, "Loaded model {0} from {1} (sha256 {2}): features {3}, classes {4}, output {5}",
                card.name(), source, sha256.substring(0, 12), signature.featureNames(), signature.classLabels(),
                signature.outputKind());
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

    private static OrtSession openSession(String source, ByteBuffer bytes, OrtEnvironment env, int intraOpThreads) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env.createSession(bytes.duplicate(), options);
        } catch (OrtException e) {
            throw ModelException.unusable(source, "not a valid ONNX model (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static TensorInfo checkInput(Map<String, NodeInfo> inputs) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("it has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; tabserve serves models with exactly one input, a float tensor [N, features]");
        }
        NodeInfo input = inputs.values().iterator().next();
        if (!(input.getInfo() instanceof TensorInfo tensor)) {
            throw new IllegalArgumentException("input '" + input.getName() + "' is not a tensor; tabserve needs a float tensor [N, features]");
        }
        if (tensor.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException("input '" + input.getName() + "' holds " + tensor.type
                    + " values; tabserve needs a float (float32) tensor [N, features]");
        }
        long[] shape = tensor.getShape();
        if (shape.length != 2 || shape[1] < 1) {
            throw new IllegalArgumentException("input '" + input.getName() + "' has shape " + Arrays.toString(shape)
                    + "; tabserve needs [N, features] with a fixed number of features");
        }
        if (shape[0] > 1) {
            throw new IllegalArgumentException("input '" + input.getName() + "' has a fixed batch size of " + shape[0]
                    + "; tabserve needs a free batch dimension or a batch of 1");
        }
        return tensor;
    }

    private static Outputs findOutputs(Map<String, NodeInfo> outputInfo) {
        List<String> probabilities = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> zipMaps = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (NodeInfo node : outputInfo.values()) {
            ValueInfo info = node.getInfo();
            described.add(node.getName() + " " + info);
            if (info instanceof TensorInfo t) {
                long[] shape = t.getShape();
                if (t.type == OnnxJavaType.FLOAT && shape.length == 2) {
                    probabilities.add(node.getName());
                } else if ((t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.STRING)
                        && (shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
                    labels.add(node.getName());
                }
            } else if (info instanceof SequenceInfo s && s.sequenceOfMaps && s.mapInfo.valueType == OnnxJavaType.FLOAT
                    && (s.mapInfo.keyType == OnnxJavaType.INT64 || s.mapInfo.keyType == OnnxJavaType.STRING)) {
                zipMaps.add(node.getName());
            }
        }
        if (probabilities.size() > 1 || labels.size() > 1 || zipMaps.size() > 1) {
            throw new IllegalArgumentException("its outputs are ambiguous: " + described
                    + "; tabserve needs at most one float [N, C] tensor, one label tensor and one ZipMap");
        }
        String label = labels.isEmpty() ? null : labels.get(0);
        OnnxJavaType labelType = label == null ? null : ((TensorInfo) outputInfo.get(label).getInfo()).type;
        if (probabilities.size() == 1) {
            String name = probabilities.get(0);
            long declared = ((TensorInfo) outputInfo.get(name).getInfo()).getShape()[1];
            OutputKind kind = label == null ? OutputKind.PROBABILITIES : OutputKind.LABEL_AND_PROBABILITIES;
            return new Outputs(kind, name, label, labelType, null, null, declared);
        }
        if (zipMaps.size() == 1) {
            String name = zipMaps.get(0);
            OnnxJavaType keyType = ((SequenceInfo) outputInfo.get(name).getInfo()).mapInfo.keyType;
            return new Outputs(OutputKind.LABEL_AND_ZIPMAP, null, label, labelType, name, keyType, -1);
        }
        throw new IllegalArgumentException("no usable output among " + described
                + "; tabserve needs a float tensor [N, C] of probabilities (optionally with a label tensor [N]),"
                + " or a label tensor with a ZipMap seq(map(int64|string, float))");
    }

    private static List<String> features(CardReader cardReader, long width) {
        List<String> features = cardReader.stringList(CardKeys.FEATURES).orElse(null);
        if (features == null) {
            return IntStream.range(0, (int) width).mapToObj(i -> "f" + i).toList();
        }
        if (features.size() != width) {
            throw new IllegalArgumentException("metadata '" + CardKeys.FEATURES + "' names " + features.size()
                    + " features but the input has " + width + " columns");
        }
        return features;
    }

    private static boolean logits(CardReader cardReader) {
        String scores = cardReader.text(CardKeys.SCORES).orElse("probabilities");
        return switch (scores) {
            case "probabilities" -> false;
            case "logits" -> true;
            default -> throw new IllegalArgumentException("metadata '" + CardKeys.SCORES + "' is '" + scores
                    + "'; allowed: probabilities, logits");
        };
    }

    /** Runs the warm-up row once and returns the ZipMap's keys, in natural order (numeric or lexicographic). */
    private List<Object> zipMapKeysOf(String inputName, float[] warmUpRow) throws OrtException {
        try (OnnxTensor tensor = inputTensor(warmUpRow, 1, warmUpRow.length);
             OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(outputs.zipMap()))) {
            OnnxMap first = (OnnxMap) ((OnnxSequence) result.get(outputs.zipMap()).orElseThrow()).getValue().get(0);
            List<Object> keys = new ArrayList<>(first.getValue().keySet());
            keys.sort(null);
            return keys;
        }
    }

    private List<String> classes(CardReader cardReader, List<Object> zipKeys, String inputName, float[] warmUpRow)
            throws OrtException {
        long width = outputs.declaredClasses();
        if (zipKeys != null) {
            width = zipKeys.size();
        } else if (width < 1) {
            // The probability tensor's column count is free in the graph: ask the model.
            try (OnnxTensor tensor = inputTensor(warmUpRow, 1, warmUpRow.length);
                 OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(outputs.probabilities()))) {
                width = ((OnnxTensor) result.get(outputs.probabilities()).orElseThrow()).getInfo().getShape()[1];
            }
        }
        long classCount = width == 1 ? 2 : width; // one column: the probability of the second class
        List<String> fromCard = cardReader.stringList(CardKeys.CLASSES).orElse(null);
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
        if (outputs.labelType() == OnnxJavaType.STRING) {
            throw new IllegalArgumentException("it has a string label output '" + outputs.label() + "' but no '"
                    + CardKeys.CLASSES + "' in its metadata, so its probability columns cannot be named; add that key");
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

    private ModelCard card(CardReader cardReader, OnnxModelMetadata metadata, String fileName,
                           Map<String, FeatureStats> stats) {
        String name = cardReader.text(CardKeys.NAME)
                .orElse(metadata.getGraphName() == null || metadata.getGraphName().isBlank() ? fileName : metadata.getGraphName());
        // ONNX Runtime reports an unset model_version as Long.MAX_VALUE; such a model has no version, not that one.
        long graphVersion = metadata.getVersion();
        String version = cardReader.text(CardKeys.VERSION).orElse(
                graphVersion > 0 && graphVersion != Long.MAX_VALUE ? Long.toString(graphVersion) : "");
        String description = cardReader.text(CardKeys.DESCRIPTION)
                .orElse(metadata.getDescription() == null ? "" : metadata.getDescription().strip());
        for (String feature : stats.keySet()) {
            if (!signature.featureNames().contains(feature)) {
                throw new IllegalArgumentException("metadata '" + CardKeys.FEATURE_STATS + "' names unknown feature '"
                        + feature + "'");
            }
        }
        Map<String, FeatureStats> ordered = new java.util.LinkedHashMap<>();
        for (String feature : signature.featureNames()) {
            if (stats.containsKey(feature)) {
                ordered.put(feature, stats.get(feature));
            }
        }
        return new ModelCard(name, version, description,
                metadata.getProducerName() == null ? "" : metadata.getProducerName(),
                cardReader.stringMap(CardKeys.CLASS_DISPLAY_NAMES).orElse(Map.of()),
                cardReader.text(CardKeys.CLASS_DISPLAY_NOTE).orElse(""),
                ordered, cardReader.evaluation().orElse(null),
                cardReader.object(CardKeys.DATA).orElse(Map.of()),
                cardReader.object(CardKeys.TRAINER).orElse(Map.of()),
                orderedHistograms(cardReader.histograms().orElse(Map.of())),
                cardReader.examples().orElse(Map.of()),
                metadata.getCustomMetadata());
    }

    /** The card's histograms in the model's feature order, refusing features the model does not have. */
    private Map<String, FeatureHistogram> orderedHistograms(Map<String, FeatureHistogram> histograms) {
        for (String feature : histograms.keySet()) {
            if (!signature.featureNames().contains(feature)) {
                throw new IllegalArgumentException("metadata '" + CardKeys.HISTOGRAMS + "' names unknown feature '"
                        + feature + "'");
            }
        }
        Map<String, FeatureHistogram> ordered = new java.util.LinkedHashMap<>();
        for (String feature : signature.featureNames()) {
            if (histograms.containsKey(feature)) {
                ordered.put(feature, histograms.get(feature));
            }
        }
        return ordered;
    }

    private void warmUp(float[] row) {
        List<Prediction> warm = predict(new double[][]{toDoubles(row)});
        LOG.log(System.Logger.Level.DEBUG, "Warm-up prediction of {0}: {1}", source, warm.get(0));
    }

    /** @return what the model takes and gives */
    public ModelSignature signature() {
        return signature;
    }

    /** @return what the model says about itself */
    public ModelCard card() {
        return card;
    }

    /** @return the SHA-256 of the model file's bytes, in lower-case hex */
    public String sha256() {
        return sha256;
    }

    /** @return where the model was loaded from */
    public String source() {
        return source;
    }

    /**
     * Predicts one row.
     *
     * @param row values in {@link ModelSignature#featureNames()} order
     * @return the prediction
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} naming each bad value, or
     *                        {@link ModelException.Kind#PREDICTION_FAILED}
     */
    public Prediction predict(double[] row) {
        return predict(new double[][]{row}).get(0);
    }

    /**
     * Predicts a batch of rows in one ONNX Runtime call (row by row for a model whose batch is fixed at 1).
     *
     * @param rows values in {@link ModelSignature#featureNames()} order, one array per row
     * @return one prediction per row, in the same order
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} naming every bad value with its row, or
     *                        {@link ModelException.Kind#PREDICTION_FAILED}
     */
    public List<Prediction> predict(double[][] rows) {
        if (!uses.acquire()) {
            throw ModelException.predictionFailed("the model " + source + " has been closed", null);
        }
        try {
            return predictHeld(rows);
        } finally {
            uses.release();
        }
    }

    private List<Prediction> predictHeld(double[][] rows) {
        if (rows.length == 0) {
            return List.of();
        }
        float[] flat = validate(rows);
        int width = signature.featureCount();
        if (!signature.oneRowPerRun()) {
            return run(flat, rows.length, 0);
        }
        List<Prediction> predictions = new ArrayList<>(rows.length);
        for (int r = 0; r < rows.length; r++) {
            predictions.addAll(run(Arrays.copyOfRange(flat, r * width, (r + 1) * width), 1, r));
        }
        return predictions;
    }

    /** Checks every value of every row and packs them row-major as floats, or throws listing every problem. */
    private float[] validate(double[][] rows) {
        List<String> features = signature.featureNames();
        int width = features.size();
        float[] flat = new float[Math.multiplyExact(rows.length, width)];
        ModelSignature.FieldErrors errors = new ModelSignature.FieldErrors();
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (row.length != width) {
                String wrongCount = "row has " + row.length + " values; the model takes " + width + ": " + features;
                for (int i = row.length; i < width; i++) {
                    errors.add(r, features.get(i), "missing value for feature '" + features.get(i) + "': " + wrongCount);
                }
                for (int i = width; i < row.length; i++) {
                    errors.add(r, "[" + i + "]", "unexpected value at position " + (i + 1) + ": " + wrongCount);
                }
            }
            for (int i = 0; i < Math.min(width, row.length); i++) {
                String problem = ModelSignature.valueProblem(features.get(i), row[i]);
                if (problem != null) {
                    errors.add(r, features.get(i), problem);
                } else {
                    flat[r * width + i] = (float) row[i];
                }
            }
        }
        errors.throwIfAny();
        return flat;
    }

    private OnnxTensor inputTensor(float[] flat, int rows, int width) throws OrtException {
        FloatBuffer buffer = inputBuffer(flat.length);
        buffer.put(flat).flip();
        return OnnxTensor.createTensor(env, buffer, new long[]{rows, width});
    }

    /**
     * A direct buffer for {@code floats} input values. ORT reads a direct buffer in place, so allocating one per run
     * (zeroed, registered with a cleaner, freed only by a later GC) was a cost on every request and let native memory
     * pile up between collections. Each thread keeps one buffer of up to {@link #REUSED_BUFFER_FLOATS} floats: the
     * tensor that wraps it is closed before the run returns, so the next run on the same thread may overwrite it.
     * The thread-local holds only a JDK buffer, so a web app's class loader is never pinned by it.
     */
    private static FloatBuffer inputBuffer(int floats) {
        if (floats > REUSED_BUFFER_FLOATS) {
            return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        FloatBuffer buffer = INPUT_BUFFER.get();
        if (buffer == null || buffer.capacity() < floats) {
            int capacity = Math.min(REUSED_BUFFER_FLOATS, Math.max(floats, 256));
            buffer = ByteBuffer.allocateDirect(capacity * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            INPUT_BUFFER.set(buffer);
        }
        buffer.clear();
        buffer.limit(floats);
        return buffer;
    }

    /** 64 KiB per thread: a 4,096-row CSV chunk of four features. */
    private static final int REUSED_BUFFER_FLOATS = 16_384;
    private static final ThreadLocal<FloatBuffer> INPUT_BUFFER = new ThreadLocal<>();

    private List<Prediction> run(float[] flat, int rows, int firstRow) {
        try (OnnxTensor tensor = inputTensor(flat, rows, signature.featureCount());
             OrtSession.Result result = session.run(Map.of(signature.inputName(), tensor), outputNames)) {
            return decode(result, rows, flat, firstRow);
        } catch (OrtException e) {
            throw ModelException.predictionFailed("ONNX Runtime failed to predict " + rows + " rows with "
                    + source + " (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private List<Prediction> decode(OrtSession.Result result, int rows, float[] input, int firstRow) throws OrtException {
        List<String> classes = signature.classLabels();
        int classCount = classes.size();
        double[][] probabilities = new double[rows][classCount];
        if (outputs.probabilities() != null) {
            OnnxTensor tensor = (OnnxTensor) result.get(outputs.probabilities()).orElseThrow();
            FloatBuffer values = tensor.getFloatBuffer();
            int width = (int) tensor.getInfo().getShape()[1];
            if (values.remaining() != rows * width || (width != classCount && !(width == 1 && classCount == 2))) {
                throw ModelException.predictionFailed("output '" + outputs.probabilities() + "' has shape "
                        + Arrays.toString(tensor.getInfo().getShape()) + " for " + rows + " rows and "
                        + classCount + " classes", null);
            }
            for (int r = 0; r < rows; r++) {
                if (width == 1) {
                    double p = signature.logits() ? sigmoid(values.get()) : values.get();
                    probabilities[r][0] = 1 - p;
                    probabilities[r][1] = p;
                } else {
                    for (int c = 0; c < classCount; c++) {
                        probabilities[r][c] = values.get();
                    }
                    if (signature.logits()) {
                        softmaxInPlace(probabilities[r]);
                    }
                }
            }
        } else {
            List<? extends OnnxValue> maps = ((OnnxSequence) result.get(outputs.zipMap()).orElseThrow()).getValue();
            for (int r = 0; r < rows; r++) {
                Map<?, ?> map = ((OnnxMap) maps.get(r)).getValue();
                for (int c = 0; c < classCount; c++) {
                    Object p = map.get(zipMapKeys.get(c));
                    probabilities[r][c] = p == null ? 0 : ((Number) p).doubleValue();
                }
            }
        }
        String[] labels = outputs.label() == null ? null : labels(result, rows);
        refuseNonFinite(probabilities, input, firstRow);
        List<Prediction> predictions = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            String label = labels != null ? labels[r] : classes.get(argMax(probabilities[r]));
            if (labels != null && !classes.contains(label)) {
                throw ModelException.predictionFailed("the model's label output gave '" + label
                        + "', which is not one of its classes " + classes + "; set '" + CardKeys.CLASSES
                        + "' in its metadata", null);
            }
            List<Double> boxed = new ArrayList<>(classCount);
            for (double p : probabilities[r]) {
                boxed.add(p);
            }
            predictions.add(new Prediction(label, classes, boxed));
        }
        return predictions;
    }

    /**
     * A row whose probabilities are not finite overflowed inside the model: its values are the caller's problem,
     * reported on the features that lie outside the training range (all features when the card has no ranges).
     */
    private void refuseNonFinite(double[][] probabilities, float[] input, int firstRow) {
        List<String> features = signature.featureNames();
        ModelSignature.FieldErrors errors = new ModelSignature.FieldErrors();
        for (int r = 0; r < probabilities.length; r++) {
            if (allFinite(probabilities[r])) {
                continue;
            }
            List<Integer> blamed = new ArrayList<>();
            for (int i = 0; i < features.size(); i++) {
                FeatureStats stats = card == null ? null : card.featureStats().get(features.get(i));
                if (stats == null || !stats.contains(input[r * features.size() + i])) {
                    blamed.add(i);
                }
            }
            for (int i : blamed.isEmpty() ? IntStream.range(0, features.size()).boxed().toList() : blamed) {
                errors.add(firstRow + r, features.get(i), "feature '" + features.get(i) + "' = "
                        + input[r * features.size() + i] + " makes the model return no finite probabilities;"
                        + " use values nearer the training range");
            }
        }
        errors.throwIfAny();
    }

    private String[] labels(OrtSession.Result result, int rows) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) result.get(outputs.label()).orElseThrow();
        String[] labels = new String[rows];
        if (outputs.labelType() == OnnxJavaType.INT64) {
            LongBuffer values = tensor.getLongBuffer();
            for (int r = 0; r < rows; r++) {
                labels[r] = Long.toString(values.get(r));
            }
        } else {
            Object value = tensor.getValue();
            for (int r = 0; r < rows; r++) {
                labels[r] = value instanceof String[][] nested ? nested[r][0] : ((String[]) value)[r];
            }
        }
        return labels;
    }

    private static boolean allFinite(double[] values) {
        for (double value : values) {
            if (!Double.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static void softmaxInPlace(double[] logits) {
        double max = Arrays.stream(logits).max().orElse(0);
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Math.exp(logits[i] - max);
            sum += logits[i];
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] /= sum;
        }
    }

    private static double[] toDoubles(float[] row) {
        double[] out = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = row[i];
        }
        return out;
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

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    private void closeQuietly() {
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
        return "OnnxClassifier[" + card.name() + " " + sha256.substring(0, 12) + " from " + source + "]";
    }
}
