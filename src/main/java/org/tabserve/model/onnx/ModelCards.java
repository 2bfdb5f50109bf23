package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxModelMetadata;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.cardread.CardAssembly;
import org.tabserve.model.onnx.cardread.CardReader;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.facts.GraphFacts;
import org.tabserve.model.signature.ModelSignature;

/**
 * Builds an ONNX model's card ({@link CardAssembly}) from its metadata, with the name, version, description and
 * producer its graph and metadata give where the card's entries give none.
 */
final class ModelCards {

    private ModelCards() {}

    /**
     * @param signature what the model takes, which every entry naming a feature is checked against
     * @param fileName  the model file's name without {@code .onnx}, the name of a model whose card and graph give none
     * @throws IllegalArgumentException naming the entry that does not fit the model
     */
    static ModelCard of(
            ModelSignature signature,
            CardReader cardReader,
            OnnxModelMetadata metadata,
            String fileName,
            OnnxGraph graph,
            GraphFacts facts) {
        // A generated graph name (hex ids, main_graph, torch-jit-export, ...) is no name: the file's name is used.
        String name = facts.name().orElse(fileName);
        // A model without a version has none (ONNX Runtime would report Long.MAX_VALUE for it).
        String version = graph.modelVersion().isPresent()
                ? Long.toString(graph.modelVersion().getAsLong())
                : "";
        String description = metadata.getDescription() == null
                ? ""
                : metadata.getDescription().strip();
        String producer = metadata.getProducerName() == null ? "" : metadata.getProducerName();
        return CardAssembly.of(
                signature,
                cardReader,
                new CardAssembly.Defaults(name, version, description, producer),
                metadata.getCustomMetadata());
    }
}
