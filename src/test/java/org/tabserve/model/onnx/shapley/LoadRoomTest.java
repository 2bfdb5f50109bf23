package org.tabserve.model.onnx.shapley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.testing.LargeForests;

/**
 * The heap a model's exact explainer takes: estimated from its node's attribute counts, which are the lists' real
 * lengths, taken from the process's {@link LoadRoom} while it is read, kept while the model serves and given back when
 * it closes; an explainer larger than the room, or one that finds it held by others, is refused in words.
 */
class LoadRoomTest {

    @TempDir
    static Path dir;

    @Test
    void aForestsEstimateCountsItsNodesAndLeafWeightsWithoutDecodingThem() throws Exception {
        Path forest = LargeForests.classifier(dir.resolve("counted.onnx"), 3, 4);
        OnnxNode node = GraphParser.parse(forest).nodes().get(0);
        NodeAttributes a = new NodeAttributes(node);
        assertEquals(a.ints("nodes_treeids").length, a.count("nodes_treeids"));
        assertEquals(3 * 31, a.count("nodes_treeids"));
        assertEquals(a.floats("class_weights").length, a.count("class_weights"));
        assertEquals(a.strings("nodes_modes").size(), a.count("nodes_modes"));
        assertEquals(0, a.count("no_such_attribute"));
        ExplainerHeap heap = ExplainerHeap.of(node);
        assertEquals(
                93 * ExplainerHeap.TREE_BUILD_PER_NODE + 96 * ExplainerHeap.TREE_BUILD_PER_LEAF_WEIGHT, heap.toBuild());
        assertTrue(heap.what().contains("93 nodes"), heap.what());
    }

    @Test
    void anExplainerLargerThanTheRoomIsRefusedNamingTheHeapAndTheSetting() {
        LoadRoom room = new LoadRoom(10 << 20);
        LoadRoom.NoRoom refused = assertThrows(
                LoadRoom.NoRoom.class,
                () -> room.take(new ExplainerHeap(200L << 20, 20L << 20, "its TreeEnsembleClassifier's 9 nodes")));
        assertTrue(
                refused.getMessage().contains("200 MB")
                        && refused.getMessage().contains("-Xmx")
                        && refused.getMessage().contains(LoadRoom.STRUCTURAL + "=false"),
                refused.getMessage());
        assertEquals(0, room.used());
    }

    @Test
    void aShareKeepsWhatTheStructureKeepsAndTheRestWaitsForNoOne() throws Exception {
        LoadRoom room = new LoadRoom(10 << 20);
        LoadRoom.Share share = room.take(new ExplainerHeap(8 << 20, 2 << 20, "one"));
        assertEquals(8 << 20, room.used());
        share.keepOnly(2 << 20);
        assertEquals(2 << 20, room.used());
        try (LoadRoom.Share second = room.take(new ExplainerHeap(8 << 20, 1 << 20, "two"))) {
            assertEquals(10 << 20, room.used());
        }
        share.close();
        share.close();
        assertEquals(0, room.used());
    }
}
