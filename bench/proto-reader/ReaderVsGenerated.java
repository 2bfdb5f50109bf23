import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import onnx.OnnxMl;

/**
 * Issue 48, item 5: tabserve's hand-written ONNX reader ({@code graph/}) against classes protoc 3.25.8 generated from
 * onnx's own {@code onnx-ml.proto}, on hostile and ordinary models, one parse per JVM (bench/proto-reader/run starts
 * each with the shipped flags, {@code -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}, so that a parse that
 * runs out of heap ends its JVM as it would end the server).
 *
 * <p>{@code make DIR} writes the made models; {@code parse MODE FILE [CHANGE]} parses FILE once, class loading
 * included, and prints one tab-separated line: mode, file, outcome, first ms, bytes that parse allocated, the heap's
 * peak during it (the sum of the heap pools' peaks), the most heap left after any collection during it (both above
 * the heap in use before it), the heap its result keeps, and what it said; then, if it parsed, five parses more and a
 * line {@code next} with their median ms. Modes:
 * <ul>
 *   <li>{@code load}: for comparison, the server's whole load of the file ({@code OnnxModelLoader.load}: the private
 *       copy, the reader, ONNX Runtime's session, the checks), which needs the WAR's runtime class path;</li>
 *   <li>{@code reader}: what the loader calls, {@code GraphParser.parse} then {@code FactFinder.find} (class labels,
 *       categories, task), on a read-only mapping of the file, as the loader maps its private copy;</li>
 *   <li>{@code lite}: {@code ModelProto.parseFrom(ByteBuffer)} of the classes generated from onnx-ml.proto as onnx
 *       ships it ({@code optimize_for = LITE_RUNTIME}), on the same mapping; byte strings are copied;</li>
 *   <li>{@code lite-aliased}: the same with aliasing on ({@code UnsafeByteOperations.unsafeWrap(...).newCodedInput()},
 *       {@code enableAliasing(true)}), whose byte strings point into the mapping instead;</li>
 *   <li>{@code lite-limited}: the same classes through the only bounds protobuf offers, a {@link CodedInputStream} over
 *       an {@link InputStream} of the file with {@code setSizeLimit(64 MiB)} (a size limit applies only to a stream)
 *       and {@code setRecursionLimit(32)} (the reader's nesting bound for types);</li>
 *   <li>{@code full}: classes generated from the same file without {@code LITE_RUNTIME} (descriptors and reflection,
 *       as tribuo-util-onnx's), on the mapping.</li>
 * </ul>
 * CHANGE makes the file change while it is read (FILE is a scratch copy): {@code truncate} cuts it to half its size
 * after it is mapped (a stream: after its first MiB is read), {@code grow} appends the bundled model to it at the same
 * moment, and {@code private-copy} runs the loader's {@code PrivateCopy.of} with the truncation between its copy and
 * its second look at the file, then parses the copy.
 */
public final class ReaderVsGenerated {

    private static final int MIB = 1 << 20;
    private static final int SIZE_LIMIT = 64 * MIB;
    private static final int RECURSION_LIMIT = 32;
    private static final String ML = "ai.onnx.ml";
    /** Bytes a stream ({@code lite-limited}) reads before CHANGE; a mapping's changes before the parse. */
    private static final int CHANGE_AFTER = MIB;

    private static final Path BUNDLED = Path.of("model.onnx");

    public static void main(String[] args) throws Exception {
        if (args[0].equals("make")) {
            make(Path.of(args[1]));
        } else {
            parse(args[1], Path.of(args[2]), args.length > 3 ? args[3] : "none");
        }
    }

    // --- one parse, measured --------------------------------------------------------------------------------------

    private static void parse(String mode, Path file, String change) throws Exception {
        Runnable changeFile = switch (change) {
            case "none" -> () -> {};
            case "truncate", "private-copy" -> () -> truncate(file);
            case "grow" -> () -> grow(file);
            default -> throw new IllegalArgumentException("truncate, grow or private-copy: " + change);
        };
        String name = file.getFileName() + (change.equals("none") ? "" : " (" + change + ")");
        GcWatch gcs = new GcWatch();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long baseline = heapAfterGc();
        resetPeaks();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        long startUptime = ManagementFactory.getRuntimeMXBean().getUptime();
        Object kept;
        String outcome;
        String message;
        try {
            kept = once(mode, file, change, changeFile);
            outcome = mode.equals("load") ? "loaded" : "parsed";
            message = "";
        } catch (Exception | Error e) { // an OutOfMemoryError never gets here: the flags end the JVM
            kept = null;
            outcome = refusal(e) ? "refused" : "failed";
            message = e.getClass().getSimpleName() + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        long first = System.nanoTime() - start;
        long endUptime = ManagementFactory.getRuntimeMXBean().getUptime();
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        long peak = Math.max(0, peakHeap() - baseline);
        if (kept != null) {
            message = describe(kept); // a loaded model is closed here
        }
        Thread.sleep(200); // collection notifications arrive on a thread of their own
        long afterGc = Math.max(0, gcs.mostAfter(startUptime, endUptime) - baseline);
        long retained = 0;
        if (kept != null) {
            long held = heapAfterGc();
            kept = null;
            retained = Math.max(0, held - heapAfterGc());
        }
        // This line first: a JVM that dies in the rounds below still says how its first parse went.
        System.out.printf(
                Locale.ROOT,
                "%s\t%s\t%s\t%.1f\t%d\t%d\t%d\t%d\t%s%n",
                mode,
                name,
                outcome,
                first / 1e6,
                allocated,
                peak,
                afterGc,
                retained,
                message.replace('\t', ' '));
        System.out.flush();
        if (outcome.equals("parsed") && change.equals("none")) {
            long[] rounds = new long[5];
            for (int i = 0; i < rounds.length; i++) {
                long t = System.nanoTime();
                kept = once(mode, file, change, changeFile);
                rounds[i] = System.nanoTime() - t;
                kept = null; // one result at a time, as a load holds one
            }
            Arrays.sort(rounds);
            System.out.printf(Locale.ROOT, "next\t%.1f%n", rounds[rounds.length / 2] / 1e6);
        }
    }

    private static Object once(String mode, Path file, String change, Runnable changeFile) throws Exception {
        if (mode.equals("load")) {
            return org.tabserve.model.onnx.OnnxModelLoader.load(file);
        }
        if (mode.equals("lite-limited") && !change.equals("private-copy")) {
            try (InputStream in = new ChangingStream(Files.newInputStream(file), changeFile)) {
                CodedInputStream coded = CodedInputStream.newInstance(in);
                coded.setSizeLimit(SIZE_LIMIT);
                coded.setRecursionLimit(RECURSION_LIMIT);
                return OnnxMl.ModelProto.parseFrom(coded);
            }
        }
        ByteBuffer bytes;
        if (change.equals("private-copy")) {
            bytes = privateCopy(file, changeFile);
        } else {
            bytes = map(file);
            changeFile.run();
        }
        return switch (mode) {
            case "reader" -> {
                var graph = org.tabserve.model.onnx.graph.GraphParser.parse(bytes);
                yield List.of(graph, org.tabserve.model.onnx.graph.facts.FactFinder.find(graph));
            }
            case "lite" -> OnnxMl.ModelProto.parseFrom(bytes.duplicate());
            case "lite-aliased" -> {
                CodedInputStream in =
                        UnsafeByteOperations.unsafeWrap(bytes.duplicate()).newCodedInput();
                in.enableAliasing(true);
                yield OnnxMl.ModelProto.parseFrom(in);
            }
            case "lite-limited" -> { // private-copy: the copy, through a stream as above
                CodedInputStream in = CodedInputStream.newInstance(new ByteBufferStream(bytes.duplicate()));
                in.setSizeLimit(SIZE_LIMIT);
                in.setRecursionLimit(RECURSION_LIMIT);
                yield OnnxMl.ModelProto.parseFrom(in);
            }
            case "full" -> onnx.full.OnnxMl.ModelProto.parseFrom(bytes.duplicate());
            default ->
                throw new IllegalArgumentException("load, reader, lite, lite-aliased, lite-limited or full: " + mode);
        };
    }

    /** What a parse that ended in an exception said: in words (a refusal) or not (an index, an internal error). */
    private static boolean refusal(Throwable e) {
        return e instanceof IOException || e.getClass().getName().startsWith("org.tabserve.");
    }

    private static String describe(Object parsed) throws Exception {
        if (parsed instanceof org.tabserve.model.Model model) {
            try (model) {
                return model.signature().classLabels().size() + " class labels";
            }
        }
        if (parsed instanceof List<?> both) {
            var graph = (org.tabserve.model.onnx.graph.OnnxGraph) both.get(0);
            var facts = (org.tabserve.model.onnx.graph.facts.GraphFacts) both.get(1);
            return String.format(
                    Locale.ROOT,
                    "%d nodes, %d metadata entries, %d class labels",
                    graph.nodes().size(),
                    graph.metadata().size(),
                    facts.classLabels().map(l -> l.labels().size()).orElse(0));
        }
        if (parsed instanceof OnnxMl.ModelProto model) {
            return String.format(
                    Locale.ROOT,
                    "%d nodes, %d metadata entries",
                    model.getGraph().getNodeCount(),
                    model.getMetadataPropsCount());
        }
        var model = (onnx.full.OnnxMl.ModelProto) parsed;
        return String.format(
                Locale.ROOT,
                "%d nodes, %d metadata entries",
                model.getGraph().getNodeCount(),
                model.getMetadataPropsCount());
    }

    private static ByteBuffer map(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        }
    }

    /** The loader's own {@code PrivateCopy.of(file, afterCopy)} (package-private, so called reflectively). */
    private static ByteBuffer privateCopy(Path file, Runnable afterCopy) throws Exception {
        Method of = Class.forName("org.tabserve.model.onnx.PrivateCopy")
                .getDeclaredMethod("of", Path.class, Runnable.class);
        of.setAccessible(true);
        try {
            return (ByteBuffer) of.invoke(null, file, afterCopy);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static void truncate(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // At a page's start: the pages past it fault when read (a cut inside a page reads as zeros to its end).
            channel.truncate(channel.size() / 2 & -4096L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void grow(Path file) {
        try {
            Files.write(file, Files.readAllBytes(BUNDLED), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file's stream that changes the file once {@link #CHANGE_AFTER} bytes have been read from it. */
    private static final class ChangingStream extends FilterInputStream {
        private final Runnable change;
        private long read;
        private boolean changed;

        ChangingStream(InputStream in, Runnable change) {
            super(in);
            this.change = change;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!changed && read >= CHANGE_AFTER) {
                changed = true;
                change.run();
            }
            int n = super.read(b, off, changed ? len : (int) Math.min(len, CHANGE_AFTER - read));
            read += Math.max(n, 0);
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }
    }

    /** An {@link InputStream} of a buffer's bytes. */
    private static final class ByteBufferStream extends InputStream {
        private final ByteBuffer bytes;

        ByteBufferStream(ByteBuffer bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return bytes.hasRemaining() ? bytes.get() & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!bytes.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, bytes.remaining());
            bytes.get(b, off, n);
            return n;
        }
    }

    // --- heap ----------------------------------------------------------------------------------------------------

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
    }

    private static void resetPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The heap pools' peaks summed: at most what the heap held at its fullest (each pool peaks at its own time). */
    private static long peakHeap() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The heap left after each collection, as the collectors report it. */
    private static final class GcWatch {
        private record After(long startUptime, long used) {}

        private final ConcurrentLinkedQueue<After> seen = new ConcurrentLinkedQueue<>();

        GcWatch() {
            Set<String> heap =
                    heapPools().stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc)
                        .addNotificationListener(
                                (notification, handback) -> {
                                    String type = notification.getType();
                                    if (type.equals(
                                            GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                                        var info = GarbageCollectionNotificationInfo.from(
                                                        (CompositeData) notification.getUserData())
                                                .getGcInfo();
                                        long used = info.getMemoryUsageAfterGc().entrySet().stream()
                                                .filter(e -> heap.contains(e.getKey()))
                                                .mapToLong(e -> e.getValue().getUsed())
                                                .sum();
                                        seen.add(new After(info.getStartTime(), used));
                                    }
                                },
                                null,
                                null);
            }
        }

        /** The most heap left after a collection that started between {@code from} and {@code to} (JVM uptime ms). */
        long mostAfter(long from, long to) {
            return seen.stream()
                    .filter(a -> a.startUptime() >= from && a.startUptime() <= to)
                    .mapToLong(After::used)
                    .max()
                    .orElse(0);
        }
    }

    // --- the made models ------------------------------------------------------------------------------------------

    private static void make(Path dir) throws IOException {
        Files.createDirectories(dir);
        OnnxMl.ModelProto bundled = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(BUNDLED));
        write(dir.resolve("metadata-40mb-value.onnx"), bundled.toBuilder().addMetadataProps(entry("unused", 40 * MIB)));
        OnnxMl.ModelProto.Builder mebibytes = bundled.toBuilder();
        for (int i = 0; i < 40; i++) {
            mebibytes.addMetadataProps(entry("unused-" + i, MIB));
        }
        write(dir.resolve("metadata-40mb-1mib-values.onnx"), mebibytes);
        emptyEntries(dir.resolve("metadata-40mb-empty-entries.onnx"), 20 * MIB);
        shortKeys(dir.resolve("metadata-40mb-short-keys.onnx"), 5 * MIB);
        write(dir.resolve("classes-200k.onnx"), manyClasses(200_000));
        forest(dir.resolve("forest-20mb.onnx"), 256, 10);
        forest(dir.resolve("forest-80mb.onnx"), 256, 12);
        OnnxMl.ModelProto.Builder weights = bundled.toBuilder();
        weights.getGraphBuilder()
                .addInitializer(OnnxMl.TensorProto.newBuilder()
                        .setName("unused_weights")
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                        .addDims(150 * MIB / 4)
                        .setRawData(UnsafeByteOperations.unsafeWrap(new byte[150 * MIB])));
        write(dir.resolve("weights-150mb.onnx"), weights);
    }

    /** As MetadataLimitTest writes its entries: a value of {@code bytes} ASCII characters. */
    private static OnnxMl.StringStringEntryProto entry(String key, int bytes) {
        return OnnxMl.StringStringEntryProto.newBuilder()
                .setKey(key)
                .setValue("x".repeat(bytes))
                .build();
    }

    /** The bundled model then {@code entries} metadata entries with no key and no value (two bytes each). */
    private static void emptyEntries(Path out, int entries) throws IOException {
        byte[] original = Files.readAllBytes(BUNDLED);
        byte[] file = Arrays.copyOf(original, original.length + 2 * entries);
        for (int i = original.length; i < file.length; i += 2) {
            file[i] = (byte) ((14 << 3) | 2); // ModelProto.metadata_props, length-delimited
            file[i + 1] = 0;
        }
        Files.write(out, file);
    }

    /** The bundled model then {@code entries} metadata entries of distinct 4-byte keys and no value (8 bytes each). */
    private static void shortKeys(Path out, int entries) throws IOException {
        byte[] original = Files.readAllBytes(BUNDLED);
        byte[] file = Arrays.copyOf(original, original.length + 8 * entries);
        int at = original.length;
        for (int i = 0; i < entries; i++) {
            file[at++] = (byte) ((14 << 3) | 2); // ModelProto.metadata_props
            file[at++] = 6;
            file[at++] = (byte) ((1 << 3) | 2); // StringStringEntryProto.key
            file[at++] = 4;
            for (int digit = 0, rest = i; digit < 4; digit++, rest /= 60) {
                file[at++] = (byte) ('A' + rest % 60);
            }
        }
        Files.write(out, file);
    }

    /**
     * skl2onnx's default classifier shape (OnnxModels.labelAndZipMap): a LinearClassifier over four floats with
     * {@code classes} string labels, then a ZipMap keyed by the same labels.
     */
    private static OnnxMl.ModelProto.Builder manyClasses(int classes) {
        OnnxMl.AttributeProto.Builder coefficients = floats("coefficients");
        OnnxMl.AttributeProto.Builder intercepts = floats("intercepts");
        SplittableRandom random = new SplittableRandom(48);
        for (int c = 0; c < classes; c++) {
            for (int f = 0; f < 4; f++) {
                coefficients.addFloats((float) random.nextDouble(-1, 1));
            }
            intercepts.addFloats((float) random.nextDouble(-1, 1));
        }
        OnnxMl.AttributeProto.Builder labels = OnnxMl.AttributeProto.newBuilder()
                .setName("classlabels_strings")
                .setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
        for (int c = 0; c < classes; c++) {
            labels.addStrings(ByteString.copyFromUtf8(String.format(Locale.ROOT, "class-%06d", c)));
        }
        OnnxMl.NodeProto linear = OnnxMl.NodeProto.newBuilder()
                .setOpType("LinearClassifier")
                .setDomain(ML)
                .setName("linear")
                .addInput("input")
                .addOutput("output_label")
                .addOutput("probabilities")
                .addAttribute(coefficients)
                .addAttribute(intercepts)
                .addAttribute(labels)
                .addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("post_transform")
                        .setType(OnnxMl.AttributeProto.AttributeType.STRING)
                        .setS(ByteString.copyFromUtf8("SOFTMAX")))
                .build();
        OnnxMl.NodeProto zipMap = OnnxMl.NodeProto.newBuilder()
                .setOpType("ZipMap")
                .setDomain(ML)
                .setName("zipmap")
                .addInput("probabilities")
                .addOutput("output_probability")
                .addAttribute(labels)
                .build();
        OnnxMl.TypeProto map = OnnxMl.TypeProto.newBuilder()
                .setMapType(OnnxMl.TypeProto.Map.newBuilder()
                        .setKeyType(OnnxMl.TensorProto.DataType.STRING_VALUE)
                        .setValueType(OnnxMl.TypeProto.newBuilder()
                                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE))))
                .build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("classes-200k")
                .addInput(tensor("input", OnnxMl.TensorProto.DataType.FLOAT_VALUE, 4))
                .addNode(linear)
                .addNode(zipMap)
                .addOutput(tensor("output_label", OnnxMl.TensorProto.DataType.STRING_VALUE))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder()
                        .setName("output_probability")
                        .setType(OnnxMl.TypeProto.newBuilder()
                                .setSequenceType(
                                        OnnxMl.TypeProto.Sequence.newBuilder().setElemType(map))))
                .build();
        return model(graph);
    }

    /** LargeForests.classifier's forest: {@code trees} full trees of {@code depth} levels of branches, 44 B a node. */
    private static void forest(Path file, int trees, int depth) throws IOException {
        SplittableRandom random = new SplittableRandom(47);
        int perTree = (2 << depth) - 1;
        int firstLeaf = (1 << depth) - 1;
        OnnxMl.AttributeProto.Builder treeIds = ints("nodes_treeids");
        OnnxMl.AttributeProto.Builder nodeIds = ints("nodes_nodeids");
        OnnxMl.AttributeProto.Builder featureIds = ints("nodes_featureids");
        OnnxMl.AttributeProto.Builder modes = OnnxMl.AttributeProto.newBuilder()
                .setName("nodes_modes")
                .setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
        OnnxMl.AttributeProto.Builder values = floats("nodes_values");
        OnnxMl.AttributeProto.Builder trueIds = ints("nodes_truenodeids");
        OnnxMl.AttributeProto.Builder falseIds = ints("nodes_falsenodeids");
        OnnxMl.AttributeProto.Builder leafTrees = ints("class_treeids");
        OnnxMl.AttributeProto.Builder leafNodes = ints("class_nodeids");
        OnnxMl.AttributeProto.Builder leafClasses = ints("class_ids");
        OnnxMl.AttributeProto.Builder weights = floats("class_weights");
        ByteString leaf = ByteString.copyFromUtf8("LEAF");
        ByteString branch = ByteString.copyFromUtf8("BRANCH_LEQ");
        for (int t = 0; t < trees; t++) {
            for (int n = 0; n < perTree; n++) {
                treeIds.addInts(t);
                nodeIds.addInts(n);
                boolean isLeaf = n >= firstLeaf;
                featureIds.addInts(isLeaf ? 0 : random.nextInt(4));
                modes.addStrings(isLeaf ? leaf : branch);
                values.addFloats(isLeaf ? 0 : (float) (random.nextDouble() * 14 - 7));
                trueIds.addInts(isLeaf ? 0 : 2L * n + 1);
                falseIds.addInts(isLeaf ? 0 : 2L * n + 2);
                if (isLeaf) {
                    float forged = (float) random.nextDouble();
                    for (int c = 0; c < 2; c++) {
                        leafTrees.addInts(t);
                        leafNodes.addInts(n);
                        leafClasses.addInts(c);
                        weights.addFloats((c == 1 ? forged : 1 - forged) / trees);
                    }
                }
            }
        }
        OnnxMl.NodeProto forest = OnnxMl.NodeProto.newBuilder()
                .setOpType("TreeEnsembleClassifier")
                .setDomain(ML)
                .setName("forest")
                .addInput("input")
                .addOutput("label")
                .addOutput("probabilities")
                .addAttribute(ints("classlabels_int64s").addInts(0).addInts(1))
                .addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("post_transform")
                        .setType(OnnxMl.AttributeProto.AttributeType.STRING)
                        .setS(ByteString.copyFromUtf8("NONE")))
                .addAllAttribute(List.of(
                        treeIds.build(),
                        nodeIds.build(),
                        featureIds.build(),
                        modes.build(),
                        values.build(),
                        trueIds.build(),
                        falseIds.build(),
                        leafTrees.build(),
                        leafNodes.build(),
                        leafClasses.build(),
                        weights.build()))
                .build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("large-forest")
                .addNode(forest)
                .addInput(tensor("input", OnnxMl.TensorProto.DataType.FLOAT_VALUE, 4))
                .addOutput(tensor("label", OnnxMl.TensorProto.DataType.INT64_VALUE))
                .addOutput(tensor("probabilities", OnnxMl.TensorProto.DataType.FLOAT_VALUE, 2))
                .build();
        write(file, model(graph));
    }

    private static OnnxMl.ModelProto.Builder model(OnnxMl.GraphProto graph) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("tabserve-bench")
                .setProducerVersion("1")
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ML).setVersion(3))
                .setGraph(graph);
    }

    private static OnnxMl.AttributeProto.Builder ints(String name) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
    }

    private static OnnxMl.AttributeProto.Builder floats(String name) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
    }

    /** A tensor [N] or [N, width] with a free batch dimension. */
    private static OnnxMl.ValueInfoProto tensor(String name, int elemType, int... width) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int w : width) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(w));
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(elemType)
                                .setShape(shape)))
                .build();
    }

    private static void write(Path file, OnnxMl.ModelProto.Builder model) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            model.build().writeTo(out);
        }
    }
}
