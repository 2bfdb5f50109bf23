package org.tabserve.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.cardread.CardLimits;
import org.tabserve.model.onnx.cardread.CardReader;
import org.tabserve.model.onnx.graph.facts.GraphFacts;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;

/**
 * Finds a classifier's class labels while it loads, from the card, the ZipMap's keys, the graph or the shape of its
 * output (running the warm-up row where only the model itself can tell), so that the loader only assembles.
 */
final class ClassLabels {

    private static final System.Logger LOG = System.getLogger(ClassLabels.class.getName());

    private final String source;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final SignatureReader.Outputs outputs;

    ClassLabels(String source, OrtEnvironment env, OrtSession session, SignatureReader.Outputs outputs) {
        this.source = source;
        this.env = env;
        this.session = session;
        this.outputs = outputs;
    }

    /** Runs the warm-up row once and returns the ZipMap's keys, in natural order (numeric or lexicographic). */
    List<Object> zipMapKeys(Batch warmUp, ModelSignature provisional) throws OrtException {
        try (InputBinder.Bound bound = new InputBinder(env, provisional).bind(warmUp, 0, 1, provisional.fixedBatch());
                OrtSession.Result result = session.run(bound.tensors(), Set.of(outputs.zipMap()))) {
            // getValue() makes a native map per row that nothing else frees: closed here once read.
            List<? extends OnnxValue> maps =
                    ((OnnxSequence) result.get(outputs.zipMap()).orElseThrow()).getValue();
            try {
                List<Object> keys =
                        new ArrayList<>(((OnnxMap) maps.get(0)).getValue().keySet());
                keys.sort(null);
                return keys;
            } finally {
                maps.forEach(OnnxValue::close);
            }
        }
    }

    /**
     * The class labels in probability-column order: the card's, else the ZipMap's keys, else the graph's own
     * (a classifier op's or ZipMap's classlabels attribute), else 0..C-1 for integer labels.
     */
    List<String> classes(
            CardReader cardReader, GraphFacts facts, List<Object> zipKeys, Batch warmUp, ModelSignature provisional)
            throws OrtException {
        long width = outputs.declaredClasses();
        if (zipKeys != null) {
            width = zipKeys.size();
        } else if (width < 1) {
            // The probability tensor's column count is free in the graph: ask the model.
            try (InputBinder.Bound bound =
                            new InputBinder(env, provisional).bind(warmUp, 0, 1, provisional.fixedBatch());
                    OrtSession.Result result = session.run(bound.tensors(), Set.of(outputs.probabilities()))) {
                width = ((OnnxTensor) result.get(outputs.probabilities()).orElseThrow())
                        .getInfo()
                        .getShape()[1];
            }
        }
        long classCount = width == 1 ? 2 : width; // one column: the probability of the second class
        if (classCount > CardLimits.CLASSES) {
            // Each class is a label in every answer and on every page: refused before any list of them is made.
            throw new IllegalArgumentException(
                    "its output has " + classCount + " classes; tabserve serves at most " + CardLimits.CLASSES);
        }
        List<String> fromCard =
                cardReader.stringList(CardKeys.CLASSES, CardLimits.CLASSES).orElse(null);
        if (fromCard != null) {
            if (fromCard.size() != classCount) {
                throw new IllegalArgumentException("metadata '" + CardKeys.CLASSES + "' names " + fromCard.size()
                        + " classes but the model's output has " + classCount);
            }
            if (zipKeys != null
                    && !new LinkedHashSet<>(fromCard)
                            .equals(new LinkedHashSet<>(
                                    zipKeys.stream().map(String::valueOf).toList()))) {
                throw new IllegalArgumentException("metadata '" + CardKeys.CLASSES + "' " + fromCard
                        + " does not match the ZipMap's keys " + zipKeys);
            }
            return fromCard;
        }
        if (zipKeys != null) {
            return zipKeys.stream().map(String::valueOf).toList();
        }
        if (facts.classLabels().isPresent()
                && facts.classLabels().get().labels().size() == classCount) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "{0}: class labels from {1}",
                    source,
                    facts.classLabels().get().origin());
            return facts.classLabels().get().labels();
        }
        if (outputs.labelType() == OnnxJavaType.STRING) {
            throw new IllegalArgumentException("it has a string label output '" + outputs.label() + "' but neither its"
                    + " graph nor its metadata ('" + CardKeys.CLASSES
                    + "') names the probability columns; add that key");
        }
        // Integer labels without a card are taken to be 0..C-1 (scikit-learn's encoding); every prediction checks it.
        return IntStream.range(0, (int) classCount).mapToObj(Integer::toString).toList();
    }

    /** The ZipMap's keys in the order of {@code classes}. */
    static List<Object> orderKeys(List<Object> keys, List<String> classes) {
        List<Object> ordered = new ArrayList<>();
        for (String label : classes) {
            ordered.add(keys.stream()
                    .filter(k -> String.valueOf(k).equals(label))
                    .findFirst()
                    .orElseThrow());
        }
        return List.copyOf(ordered);
    }
}
