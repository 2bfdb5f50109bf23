package org.tabserve.testing;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes large tree ensembles over the bank-note data's four columns, built with the ONNX protobuf classes (no
 * committed binary): a TreeEnsembleClassifier of full trees, as a random forest exports (label and probabilities,
 * each leaf's class shares divided by the trees), whose size is set by its trees and their depth (about 44 bytes a
 * node). Card one with the bank-note data ({@code FixtureCards.card}) to get what {@code card} writes.
 */
public final class LargeForests {

    private static final String ML = "ai.onnx.ml";

    private LargeForests() {}

    /**
     * Writes a forest of {@code trees} full trees of {@code depth} levels of branches to {@code file}.
     *
     * @return {@code file}
     */
    public static Path classifier(Path file, int trees, int depth) throws IOException {
        SplittableRandom random = new SplittableRandom(47);
        int perTree = (2 << depth) - 1;
        int firstLeaf = (1 << depth) - 1;
        AttributeProto.Builder treeIds = ints("nodes_treeids");
        AttributeProto.Builder nodeIds = ints("nodes_nodeids");
        AttributeProto.Builder featureIds = ints("nodes_featureids");
        AttributeProto.Builder modes =
                AttributeProto.newBuilder().setName("nodes_modes").setType(AttributeProto.AttributeType.STRINGS);
        AttributeProto.Builder values = floats("nodes_values");
        AttributeProto.Builder trueIds = ints("nodes_truenodeids");
        AttributeProto.Builder falseIds = ints("nodes_falsenodeids");
        AttributeProto.Builder leafTrees = ints("class_treeids");
        AttributeProto.Builder leafNodes = ints("class_nodeids");
        AttributeProto.Builder leafClasses = ints("class_ids");
        AttributeProto.Builder weights = floats("class_weights");
        com.google.protobuf.ByteString leaf = com.google.protobuf.ByteString.copyFromUtf8("LEAF");
        com.google.protobuf.ByteString branch = com.google.protobuf.ByteString.copyFromUtf8("BRANCH_LEQ");
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
        NodeProto forest = NodeProto.newBuilder()
                .setOpType("TreeEnsembleClassifier")
                .setDomain(ML)
                .setName("forest")
                .addInput("input")
                .addOutput("label")
                .addOutput("probabilities")
                .addAttribute(ints("classlabels_int64s").addInts(0).addInts(1))
                .addAttribute(AttributeProto.newBuilder()
                        .setName("post_transform")
                        .setType(AttributeProto.AttributeType.STRING)
                        .setS(com.google.protobuf.ByteString.copyFromUtf8("NONE")))
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
                .addInput(tensor("input", TensorProto.DataType.FLOAT_VALUE, 4))
                .addOutput(tensor("label", TensorProto.DataType.INT64_VALUE))
                .addOutput(tensor("probabilities", TensorProto.DataType.FLOAT_VALUE, 2))
                .build();
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("tabserve-tests")
                .setProducerVersion("1")
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ML).setVersion(3))
                .setGraph(graph)
                .build();
        return Files.write(file, model.toByteArray());
    }

    private static AttributeProto.Builder ints(String name) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    }

    private static AttributeProto.Builder floats(String name) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
    }

    /** A tensor [N] or [N, width] with a free batch dimension. */
    private static ValueInfoProto tensor(String name, int elemType, int... width) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int w : width) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(w));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(elemType)
                                .setShape(shape)))
                .build();
    }
}
