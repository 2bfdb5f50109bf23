import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.UnsafeByteOperations;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * What loading a model costs in resident memory and time: loads one model file N times in this JVM, keeping every
 * copy open, and prints VmRSS (and its anonymous, file and shared parts) before, after the loads and after a GC,
 * with the loader's temporary mappings still in the process. With "big" as the file, writes a 48 MB classifier
 * first (two MatMuls over weights of 32 MB and 16 MB, then a Softmax). See bench/RESULTS.notes.md.
 */
public final class ModelLoadMemory {

    public static void main(String[] args) throws Exception {
        Path file = args[0].equals("big")
                ? big(Path.of(args.length > 2 ? args[2] : "/tmp/tabserve-big.onnx"))
                : Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        OnnxModelLoader.load(Path.of("model.onnx"))
                .close(); // ONNX Runtime's library and environment, outside the figures
        System.gc();
        long[] base = rss();
        List<Model> models = new ArrayList<>();
        long[] millis = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            models.add(OnnxModelLoader.load(file));
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        long[] loaded = rss();
        String mapsLoaded = temporaryMappings();
        System.gc();
        Thread.sleep(200); // let the cleaner unmap what the GC found unreachable
        long[] collected = rss();
        Arrays.sort(millis);
        System.out.printf(
                "file %s (%,d bytes), %d loads, load ms median %d (min %d, max %d)%n",
                file, Files.size(file), n, millis[n / 2], millis[0], millis[n - 1]);
        print("before", base, base, n);
        print("loaded", loaded, base, n);
        System.out.println("  mappings of the file or its copies while loaded: " + mapsLoaded);
        print("after GC", collected, base, n);
        System.out.println("  mappings of the file or its copies after GC: " + temporaryMappings());
        models.forEach(Model::close);
    }

    private static void print(String when, long[] rss, long[] base, int n) {
        System.out.printf(
                "  %-8s VmRSS %,7d kB (anon %,7d, file %,7d, shmem %,7d); per model %,7d kB%n",
                when, rss[0], rss[1], rss[2], rss[3], (rss[0] - base[0]) / n);
    }

    /** VmRSS, RssAnon, RssFile and RssShmem in kB. */
    private static long[] rss() throws Exception {
        long[] out = new long[4];
        String[] keys = {"VmRSS:", "RssAnon:", "RssFile:", "RssShmem:"};
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            for (int i = 0; i < keys.length; i++) {
                if (line.startsWith(keys[i])) {
                    out[i] = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        return out;
    }

    /** How many mappings of model files (or their private copies) the process holds, and their total size. */
    private static String temporaryMappings() throws Exception {
        long count = 0;
        long bytes = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains(".onnx")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                count++;
                bytes += Long.parseUnsignedLong(range[1], 16) - Long.parseUnsignedLong(range[0], 16);
            }
        }
        return String.format("%d, %,d bytes", count, bytes);
    }

    private static Path big(Path file) throws Exception {
        if (Files.exists(file)) {
            return file;
        }
        int width = 1 << 21;
        GraphProto graph = GraphProto.newBuilder()
                .setName("big")
                .addInput(tensor("input", 4))
                .addOutput(tensor("probabilities", 2))
                .addInitializer(weights("w1", 4, width))
                .addInitializer(weights("w2", width, 2))
                .addNode(NodeProto.newBuilder()
                        .setOpType("MatMul")
                        .addInput("input")
                        .addInput("w1")
                        .addOutput("h"))
                .addNode(NodeProto.newBuilder()
                        .setOpType("MatMul")
                        .addInput("h")
                        .addInput("w2")
                        .addOutput("z"))
                .addNode(NodeProto.newBuilder()
                        .setOpType("Softmax")
                        .addInput("z")
                        .addOutput("probabilities"))
                .build();
        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph)
                .build();
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
        return file;
    }

    private static ValueInfoProto tensor(String name, int columns) {
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(TensorShapeProto.newBuilder()
                                        .addDim(TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam("N"))
                                        .addDim(TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(columns)))))
                .build();
    }

    private static TensorProto weights(String name, int rows, int columns) {
        ByteBuffer data = ByteBuffer.allocate(rows * columns * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * columns; i++) {
            data.putFloat((i % 7) * 1e-4f);
        }
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(rows)
                .addDims(columns)
                .setRawData(UnsafeByteOperations.unsafeWrap(data.array()))
                .build();
    }
}
