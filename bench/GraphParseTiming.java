import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The first parse of one ONNX file in a fresh JVM, class loading included (what start-up pays), with either
 * tabserve's own reader ({@code reader}, with the graph facts) or protobuf-java's generated classes from
 * tribuo-util-onnx ({@code protobuf}: {@code ModelProto.parseFrom}, which copies every byte string;
 * {@code protobuf-aliased}: a {@code CodedInputStream} with aliasing on, whose byte strings point into the mapped
 * file): time, bytes the first parse allocated, and heap still held by its result after a GC. Run by
 * bench/graph-parse, one JVM per parser and file; {@code make-large} and {@code make-hostile} write its two made
 * files ({@code make-hostile-keys} a third). Figures are in GraphParser's Javadoc and bench/RESULTS.md.
 */
public final class GraphParseTiming {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "make-large" -> makeLarge(Path.of(args[1]), Path.of(args[2]));
            case "make-hostile" -> makeHostile(Path.of(args[1]), Path.of(args[2]));
            case "make-hostile-keys" -> makeHostileKeys(Path.of(args[1]), Path.of(args[2]));
            default -> time(args[0], Path.of(args[1]));
        }
    }

    private static void time(String parser, Path file) throws Exception {
        MappedByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        Object kept;
        try {
            kept = parse(parser, bytes);
        } catch (Exception | OutOfMemoryError e) {
            kept = null;
            System.out.printf(
                    "%-16s %-32s refused or died after %7.1f ms: %s%n",
                    parser,
                    file.getFileName(),
                    (System.nanoTime() - start) / 1e6,
                    String.valueOf(e).lines().findFirst().orElse(""));
            return;
        }
        long first = System.nanoTime() - start;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        String kind = kept.getClass().getSimpleName();
        long held = heapAfterGc();
        kept = null;
        long retained = held - heapAfterGc(); // what the result alone holds: measured by letting it go
        int rounds = bytes.capacity() > (1 << 20) ? 20 : 200;
        start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            kept = parse(parser, bytes);
        }
        kept.hashCode();
        long warm = (System.nanoTime() - start) / rounds;
        System.out.printf(
                "%-16s %-32s first %7.1f ms  next %8.1f us  allocated %,12d B  retained %,12d B  (%s)%n",
                parser, file.getFileName(), first / 1e6, warm / 1e3, allocated, retained, kind);
    }

    private static Object parse(String parser, ByteBuffer bytes) throws Exception {
        switch (parser) {
            case "reader" -> {
                var graph = org.tabserve.model.onnx.graph.GraphParser.parse(bytes);
                org.tabserve.model.onnx.graph.facts.FactFinder.find(graph);
                return graph;
            }
            case "protobuf" -> {
                return OnnxMl.ModelProto.parseFrom(bytes.duplicate());
            }
            case "protobuf-aliased" -> {
                // A CodedInputStream over a ByteBuffer aliases only when told the bytes never change.
                CodedInputStream in =
                        UnsafeByteOperations.unsafeWrap(bytes.duplicate()).newCodedInput();
                in.enableAliasing(true);
                return OnnxMl.ModelProto.parseFrom(in);
            }
            default -> throw new IllegalArgumentException("reader, protobuf or protobuf-aliased: " + parser);
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** {@code model} with one 48 MB float initializer beside its graph: the size of a small network's weights. */
    private static void makeLarge(Path model, Path out) throws Exception {
        int size = 48 << 20;
        OnnxMl.ModelProto.Builder large = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        large.getGraphBuilder()
                .addInitializer(OnnxMl.TensorProto.newBuilder()
                        .setName("unused_weights")
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .addDims(size / 4)
                        .setRawData(UnsafeByteOperations.unsafeWrap(new byte[size])));
        try (OutputStream stream = Files.newOutputStream(out)) {
            large.build().writeTo(stream);
        }
    }

    /**
     * {@code model} with 1,040,000 metadata entries of distinct 4-byte keys and no value: an 8 MB file whose keys
     * (4,160,000 bytes) fit the reader's 4 MiB metadata budget.
     */
    private static void makeHostileKeys(Path model, Path out) throws Exception {
        byte[] original = Files.readAllBytes(model);
        int entries = 1_040_000;
        byte[] file = new byte[original.length + 8 * entries];
        System.arraycopy(original, 0, file, 0, original.length);
        int at = original.length;
        for (int i = 0; i < entries; i++) {
            file[at++] = (byte) ((14 << 3) | 2); // ModelProto.metadata_props, length-delimited
            file[at++] = 6;
            file[at++] = (byte) ((1 << 3) | 2); // StringStringEntryProto.key, length-delimited
            file[at++] = 4;
            for (int digit = 0, rest = i; digit < 4; digit++, rest /= 60) {
                file[at++] = (byte) ('A' + rest % 60);
            }
        }
        Files.write(out, file);
    }

    /**
     * {@code model} with 8 million empty metadata entries (two bytes each): a 16 MB file that a reader with no
     * bound on entries turns into 8 million objects.
     */
    private static void makeHostile(Path model, Path out) throws Exception {
        byte[] original = Files.readAllBytes(model);
        int entries = 8_000_000;
        byte[] file = new byte[original.length + 2 * entries];
        System.arraycopy(original, 0, file, 0, original.length);
        for (int i = original.length; i < file.length; i += 2) {
            file[i] = (byte) ((14 << 3) | 2); // ModelProto.metadata_props, length-delimited
            file[i + 1] = 0; // an entry with no key and no value
        }
        Files.write(out, file);
    }
}
