import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The first parse of one ONNX file in a fresh JVM, class loading included (what start-up pays), with either
 * tabserve's own reader ({@code reader}) or protobuf-java's generated classes from tribuo-util-onnx ({@code protobuf}).
 * Run by bench/graph-parse, one JVM per parser and file; figures are in GraphParser's Javadoc.
 */
public final class GraphParseTiming {

    public static void main(String[] args) throws Exception {
        String parser = args[0];
        Path file = Path.of(args[1]);
        MappedByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        }
        long start = System.nanoTime();
        int nodes;
        if (parser.equals("reader")) {
            var graph = org.tabserve.model.onnx.graph.OnnxGraph.read(bytes);
            nodes = graph.nodes().size() + org.tabserve.model.onnx.graph.GraphFacts.of(graph).outputEndings().size();
        } else {
            nodes = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(bytes).getGraph().getNodeCount();
        }
        long first = System.nanoTime() - start;
        start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            if (parser.equals("reader")) {
                nodes += org.tabserve.model.onnx.graph.OnnxGraph.read(bytes).nodes().size();
            } else {
                nodes += ai.onnx.proto.OnnxMl.ModelProto.parseFrom(bytes).getGraph().getNodeCount();
            }
        }
        long warm = (System.nanoTime() - start) / 200;
        System.out.printf("%-8s %-32s first %7.1f ms   mean of the next 200 %8.1f us   (%d)%n", parser, file.getFileName(),
                first / 1e6, warm / 1e3, nodes);
    }
}
