package org.tabserve.model.trees.xgboost;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * Hostile and unserved XGBoost files, each refused at load with a ForestFormatException whose words name the field or
 * the bound: never a StackOverflowError, an OutOfMemoryError or a hang. The files are a real xgboost4j model edited,
 * or UBJSON bytes written by hand.
 */
class XgboostHostileFileTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static byte[] json;
    private static byte[] ubj;
    private static Booster gblinear;

    @BeforeAll
    static void train() throws Exception {
        float[][] x = Xgb4j.rows(51);
        Booster booster = Xgb4j.train(
                x, Xgb4j.labels(x, "binary:logistic", 0, 1), null, Map.of("objective", "binary:logistic"), 4);
        json = booster.toByteArray("json");
        ubj = booster.toByteArray("ubj");
        gblinear = Xgb4j.train(
                x,
                Xgb4j.labels(x, "reg:squarederror", 0, 1),
                null,
                Map.of("objective", "reg:squarederror", "booster", "gblinear"),
                2);
    }

    @Test
    void theRealFilesAreRead() {
        XgboostReader.read(json, "model.json", ForestLimits.DEFAULT);
        XgboostReader.read(ubj, "model.ubj", ForestLimits.DEFAULT);
    }

    @Test
    void aTreeDeeperThanTheBoundIsRefused() throws Exception {
        refused(edit(tree -> chain(tree, 600)), "depth", "512");
        ForestLimits shallow = new ForestLimits(1 << 26, 64, 100, 10_000, 2, 100, 100);
        refused(json, shallow, "depth", "2 levels");
    }

    @Test
    void aLyingNumNodesIsRefused() throws Exception {
        refused(
                edit(tree -> ((ObjectNode) tree.get("tree_param")).put("num_nodes", "3")),
                "'left_children'",
                "num_nodes");
        refused(edit(tree -> ((ArrayNode) tree.get("split_conditions")).add(0.5)), "'split_conditions'", "num_nodes");
    }

    @Test
    void aCycleOrASharedChildIsRefused() throws Exception {
        refused(
                edit(tree -> {
                    ((ArrayNode) tree.get("left_children")).set(1, 0);
                    ((ArrayNode) tree.get("right_children")).set(1, 1);
                }),
                "'left_children' or 'right_children'",
                "twice");
        refused(
                edit(tree -> {
                    ((ArrayNode) tree.get("left_children")).set(2, 1);
                    ((ArrayNode) tree.get("right_children")).set(2, 2);
                }),
                "twice");
    }

    @Test
    void aChildOutOfRangeIsRefused() throws Exception {
        refused(edit(tree -> ((ArrayNode) tree.get("left_children")).set(0, 999)), "'left_children'", "out of range");
        refused(edit(tree -> ((ArrayNode) tree.get("right_children")).set(0, 2 + 5)), "'right_children'", "beside");
        refused(edit(tree -> ((ArrayNode) tree.get("split_indices")).set(0, 40)), "'split_indices'", "out of range");
    }

    @Test
    void aNanOrInfiniteThresholdIsRefused() throws Exception {
        String marked = new String(
                edit(tree -> ((ArrayNode) tree.get("split_conditions")).set(0, 12345.5)), StandardCharsets.UTF_8);
        for (String bad : new String[] {"NaN", "Infinity", "-Infinity"}) {
            refused(
                    marked.replace("12345.5", bad).getBytes(StandardCharsets.UTF_8),
                    "'split_conditions'",
                    "not finite");
        }
    }

    @Test
    void aTruncatedUbjsonFileIsRefused() {
        for (int cut : new int[] {2, 3, 17, ubj.length / 3, ubj.length / 2, ubj.length - 1}) {
            refused(Arrays.copyOf(ubj, cut), "truncated");
        }
    }

    @Test
    void aHugeDeclaredUbjsonLengthIsRefusedBeforeAllocation() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'{', 'i', 7});
        out.writeBytes("learner".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {'[', '$', 'd', '#', 'L', 0x7f, -1, -1, -1, -1, -1, -1, -1});
        refused(out.toByteArray(), "container of", "more than the file's bytes");
        byte[] string = {'{', 'i', 1, 'a', 'S', 'l', 0x7f, -1, -1, -1, 'x'};
        refused(string, "string of", "more than the file holds");
    }

    @Test
    void aNestingBombIsRefused() {
        String deep = "{\"unread\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        refused(deep.getBytes(StandardCharsets.US_ASCII), "nesting deeper than 64");
        byte[] bomb = new byte[200_004];
        bomb[0] = '{';
        bomb[1] = 'i';
        bomb[2] = 1;
        bomb[3] = 'a';
        Arrays.fill(bomb, 4, bomb.length, (byte) '[');
        refused(bomb, "nests deeper than 64");
    }

    @Test
    void aFilePastMaxBytesIsRefused() {
        ForestLimits small = new ForestLimits(json.length - 1, 64, 100, 10_000, 64, 100, 100);
        refused(json, small, "larger than", "bytes");
    }

    @Test
    void moreTreesOrNodesThanTheBoundsAreRefused() throws Exception {
        refused(json, new ForestLimits(1 << 26, 64, 3, 10_000, 64, 100, 100), "'tree_info'", "more than 3");
        ObjectNode doc = (ObjectNode) MAPPER.readTree(json);
        ((ObjectNode) doc.at("/learner/gradient_booster/model")).remove("tree_info");
        refused(
                MAPPER.writeValueAsBytes(doc),
                new ForestLimits(1 << 26, 64, 3, 10_000, 64, 100, 100),
                "'trees'",
                "more than 3 trees");
        refused(ubj, new ForestLimits(1 << 26, 64, 100, 20, 64, 100, 100), "20");
    }

    @Test
    void unservedModelsAreRefusedInWords() throws Exception {
        refused(objective("reg:foo"), "objective.name", "not one tabserve serves");
        refused(objective("rank:pairwise"), "objective.name", "ranking");
        refused(objective("survival:cox"), "objective.name", "survival");
        refused(gblinear.toByteArray("json"), "gblinear");
        refused(gblinear.toByteArray("ubj"), "gblinear");
        refused(
                edit(tree -> ((ObjectNode) tree.get("tree_param")).put("size_leaf_vector", "2")),
                "size_leaf_vector",
                "multi-target");
        ObjectNode doc = (ObjectNode) MAPPER.readTree(json);
        ((ObjectNode) doc.at("/learner/objective"))
                .put("name", "reg:quantileerror")
                .putObject("quantile_loss_param")
                .put("quantile_alpha", "[1E-1,9E-1]");
        refused(MAPPER.writeValueAsBytes(doc), "quantile_alpha", "several quantiles");
        ObjectNode multi = (ObjectNode) MAPPER.readTree(json);
        ((ObjectNode) multi.at("/learner/learner_model_param")).put("num_target", "2");
        refused(MAPPER.writeValueAsBytes(multi), "num_target", "multi-target");
    }

    private static byte[] objective(String name) throws Exception {
        ObjectNode doc = (ObjectNode) MAPPER.readTree(json);
        ((ObjectNode) doc.at("/learner/objective")).put("name", name);
        return MAPPER.writeValueAsBytes(doc);
    }

    /** A chain of {@code depth} splits, each with a leaf on its left and the next split on its right. */
    private static void chain(ObjectNode tree, int depth) {
        int n = 2 * depth + 1;
        ArrayNode left = tree.putArray("left_children");
        ArrayNode right = tree.putArray("right_children");
        ArrayNode index = tree.putArray("split_indices");
        ArrayNode cond = tree.putArray("split_conditions");
        ArrayNode dflt = tree.putArray("default_left");
        ArrayNode type = tree.putArray("split_type");
        for (int i = 0; i < n; i++) {
            boolean split = i % 2 == 0 && i < n - 1;
            left.add(split ? i + 1 : -1);
            right.add(split ? i + 2 : -1);
            index.add(0);
            cond.add(0.5);
            dflt.add(0);
            type.add(0);
        }
        ((ObjectNode) tree.get("tree_param")).put("num_nodes", Integer.toString(n));
    }

    private static byte[] edit(Consumer<ObjectNode> change) throws Exception {
        ObjectNode doc = (ObjectNode) MAPPER.readTree(json);
        change.accept((ObjectNode) doc.at("/learner/gradient_booster/model/trees/0"));
        return MAPPER.writeValueAsBytes(doc);
    }

    private static void refused(byte[] file, String... words) {
        refused(file, ForestLimits.DEFAULT, words);
    }

    private static void refused(byte[] file, ForestLimits limits, String... words) {
        ForestFormatException e =
                assertThrows(ForestFormatException.class, () -> XgboostReader.read(file, "model", limits));
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), "'" + word + "' in: " + e.getMessage());
        }
    }
}
