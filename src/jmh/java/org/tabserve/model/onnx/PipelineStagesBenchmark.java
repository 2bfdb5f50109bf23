package org.tabserve.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.ValueType;

/**
 * Where one prediction's time goes, stage by stage, for the text-input penguins classifier (six one-column inputs,
 * two of them strings, a ZipMap output) against the bank-note model (one float [N, 4] input, a probability tensor):
 * checking the cells ({@link Batch#of}), binding the tensors ({@link InputBinder}), the ONNX Runtime call alone, and
 * decoding its result ({@link OutputDecoder}), plus the whole {@link Model#predict}. Scores are per call of
 * {@code rows} rows: divide by {@code rows} for the cost per row. A ZipMap is read as {@link OnnxModel} reads it, from
 * its tensor ({@link ZipMapProbabilities}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m")
public class PipelineStagesBenchmark {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @Param({"penguins", "banknote"})
    public String model;

    @Param({"1", "100", "10000"})
    public int rows;

    private Model onnxModel;
    private OrtSession session;
    private InputBinder binder;
    private OutputDecoder decoder;
    private Set<String> outputNames;
    private List<Object[]> cells;
    private Batch batch;
    private InputBinder.Bound boundTensors;
    private OrtSession.Result result;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path file = model.equals("penguins") ? PENGUINS.resolve("species-zipmap.onnx") : Path.of("model.onnx");
        onnxModel = OnnxModelLoader.load(file);
        ModelSignature signature = onnxModel.signature();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        // As OnnxModelLoader does: a ZipMap's tensor is exposed as an output and read in place of the maps.
        byte[] raw = Files.readAllBytes(file);
        ZipMapProbabilities zipMap =
                ZipMapProbabilities.of(GraphParser.parse(ByteBuffer.wrap(raw))).orElse(null);
        ByteBuffer bytes = zipMap != null
                ? zipMap.exposedIn(ByteBuffer.wrap(raw))
                : ByteBuffer.allocateDirect(raw.length).put(raw).flip();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(bytes, options);
        }
        Map<String, NodeInfo> outputInfo = new LinkedHashMap<>(session.getOutputInfo());
        if (zipMap != null) {
            outputInfo.remove(zipMap.tensor());
        }
        SignatureReader.Outputs outputs = SignatureReader.classifierOutputs(outputInfo);
        List<String> names = new ArrayList<>(outputs.names());
        if (zipMap != null) {
            names.replaceAll(name -> name.equals(zipMap.zipMap()) ? zipMap.tensor() : name);
        }
        outputNames = Set.copyOf(names);
        binder = InputBinder.sharing(env, signature);
        // The penguins ZipMap's keys are its class labels (strings); the bank-note model has no ZipMap.
        decoder = new OutputDecoder(
                signature, outputs, outputs.zipMap() == null ? null : List.copyOf(signature.classLabels()), zipMap);
        cells = model.equals("penguins") ? penguinRows(signature) : bankNoteRows(signature);
        batch = Batch.of(signature, cells);
        boundTensors = binder.bind(batch, 0, rows, 0);
        result = session.run(boundTensors.tensors(), outputNames);
    }

    private List<Object[]> penguinRows(ModelSignature signature) throws Exception {
        List<String> lines = Files.readAllLines(PENGUINS.resolve("species-zipmap.inputs.csv"));
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<Feature> features = signature.features();
        List<Object[]> data = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            String[] fields = lines.get(1 + r % (lines.size() - 1)).split(",", -1);
            Object[] row = new Object[features.size()];
            for (int f = 0; f < row.length; f++) {
                String text = fields[header.indexOf(features.get(f).name())];
                row[f] = features.get(f).type() == ValueType.STRING
                        ? text
                        : text.isEmpty() ? null : (Object) Double.parseDouble(text);
            }
            data.add(row);
        }
        return data;
    }

    private List<Object[]> bankNoteRows(ModelSignature signature) throws Exception {
        List<Object[]> data = new ArrayList<>();
        for (double[] numbers : ModelCoreBenchmark.BenchData.rows(signature, rows)) {
            Object[] row = new Object[numbers.length];
            for (int i = 0; i < row.length; i++) {
                row[i] = numbers[i];
            }
            data.add(row);
        }
        return data;
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        result.close();
        boundTensors.close();
        binder.close();
        session.close();
        onnxModel.close();
    }

    /** Checking the typed cells into a batch. */
    @Benchmark
    public Batch check() {
        return Batch.of(onnxModel.signature(), cells);
    }

    /** Building (and closing) the input tensors of a checked batch. */
    @Benchmark
    public int bind() throws OrtException {
        try (InputBinder.Bound bound = binder.bind(batch, 0, rows, 0)) {
            return bound.tensors().size();
        }
    }

    /** The ONNX Runtime call alone, on tensors bound once, with the served outputs fetched (and released). */
    @Benchmark
    public int run() throws OrtException {
        try (OrtSession.Result r = session.run(boundTensors.tensors(), outputNames)) {
            return r.size();
        }
    }

    /** Decoding one result into predictions. */
    @Benchmark
    public List<Prediction> decode() throws OrtException {
        return decoder.decode(RunOutputs.of(result), rows);
    }

    /** The whole model core: check, bind, run, decode. */
    @Benchmark
    public List<Prediction> predict() {
        return onnxModel.predict(Batch.of(onnxModel.signature(), cells));
    }
}
