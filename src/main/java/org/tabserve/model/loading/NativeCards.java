package org.tabserve.model.loading;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.cardread.CardAssembly;
import org.tabserve.model.onnx.cardread.CardReader;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.model.trees.NativeModel;
import org.tabserve.model.trees.TrainedForest;

/**
 * Gives a model read from an XGBoost or LightGBM file the card beside it ({@link CardBeside}), read by the same
 * {@link CardReader} and assembled by the same {@link CardAssembly} as an ONNX file's metadata: the file's own facts
 * (its name, what wrote it, what it records of its training) where the card says nothing. A card that does not fit the
 * model refuses the load, naming the card file and the entry.
 */
final class NativeCards {

    /** Entries that tell ONNX Runtime's graph how to read its inputs and outputs: a tree file's reader knows. */
    private static final List<String> FOR_AN_ONNX_GRAPH =
            List.of(CardKeys.MISSING, CardKeys.TEXT_MISSING_AS, CardKeys.SCORES);

    private NativeCards() {}

    /**
     * @param model      as read from its file, with the card the file gives
     * @param card       where its card file would be ({@link CardBeside#of})
     * @param answerType the precision of its answers, as it was read with
     * @return the model with the card file's card, or {@code model} when there is no card file
     * @throws ModelException {@link ModelException.Kind#UNUSABLE_MODEL} naming the card file and the entry refused
     */
    static NativeModel withCard(NativeModel model, Path card, ValueType answerType) {
        Optional<Map<String, String>> entries;
        try {
            entries = CardBeside.read(card);
        } catch (IllegalArgumentException e) {
            throw refused(model, card, e);
        }
        if (entries.isEmpty()) {
            return model;
        }
        try {
            TrainedForest forest = rounds(model.forest(), entries.get().get(CardKeys.ITERATIONS));
            ModelCard own = model.card();
            ModelSignature signature = model.signature();
            CardReader reader = new CardReader(entries.get());
            checkFits(signature, reader);
            // The file's facts describe the file (the rounds it answers with among them): a card's entry of the same
            // key never hides one.
            Map<String, String> metadata = new LinkedHashMap<>(own.metadata());
            if (forest != model.forest()) {
                metadata.putAll(forest.facts());
            }
            entries.get().forEach(metadata::putIfAbsent);
            ModelCard assembled = CardAssembly.of(
                    signature,
                    reader,
                    new CardAssembly.Defaults(own.name(), own.version(), own.description(), own.producer()),
                    metadata);
            return NativeModel.of(
                    forest, model.source(), model.sha256(), assembled, answerType, signature.featureNames());
        } catch (IllegalArgumentException e) {
            throw refused(model, card, e);
        }
    }

    /**
     * The forest answering with the rounds the card's {@link CardKeys#ITERATIONS} names (its facts then say so); the
     * forest itself without the entry.
     *
     * @throws IllegalArgumentException naming the entry when it is neither {@code best} nor a number of rounds the
     *                                  file holds
     */
    private static TrainedForest rounds(TrainedForest forest, String entry) {
        if (entry == null) {
            return forest;
        }
        int rounds;
        if (entry.strip().equals("best")) {
            String best = forest.facts().get("best_iteration");
            if (best == null || !best.strip().matches("\\d{1,9}")) {
                throw new IllegalArgumentException("metadata '" + CardKeys.ITERATIONS + "' is 'best', but the model"
                        + " file records no best_iteration (it was not trained with early stopping)");
            }
            rounds = Integer.parseInt(best.strip()) + 1;
        } else if (entry.strip().matches("\\d{1,9}")) {
            rounds = Integer.parseInt(entry.strip());
        } else {
            throw new IllegalArgumentException(
                    "metadata '" + CardKeys.ITERATIONS + "' must be 'best' or a number of rounds");
        }
        return forest.firstIterations(rounds)
                .orElseThrow(() -> new IllegalArgumentException("metadata '" + CardKeys.ITERATIONS + "' asks for "
                        + rounds + " rounds; the model file holds fewer, or does not keep its rounds apart"));
    }

    /** Refuses what names the model otherwise than its file does: its task, features and classes are the file's. */
    private static void checkFits(ModelSignature signature, CardReader reader) {
        for (String key : FOR_AN_ONNX_GRAPH) {
            if (reader.text(key).isPresent()) {
                throw new IllegalArgumentException(
                        "metadata '" + key + "' is for an ONNX graph; the trees of an XGBoost"
                                + " or LightGBM file route a missing value and give their scores as their library does");
            }
        }
        reader.text(CardKeys.TASK).ifPresent(task -> {
            if (!task.equals(signature.task().jsonName())) {
                throw new IllegalArgumentException("metadata '" + CardKeys.TASK + "' is '" + task + "'; the model file"
                        + " is a " + signature.task().jsonName() + " model");
            }
        });
        reader.stringList(CardKeys.FEATURES).ifPresent(features -> {
            if (!features.equals(signature.featureNames())) {
                throw new IllegalArgumentException("metadata '" + CardKeys.FEATURES + "' names " + features + "; the"
                        + " model file's features are " + signature.featureNames());
            }
        });
        reader.stringList(CardKeys.CLASSES).ifPresent(classes -> {
            if (!classes.equals(signature.classLabels())) {
                throw new IllegalArgumentException("metadata '" + CardKeys.CLASSES + "' names " + classes + "; the"
                        + " model file's classes are " + signature.classLabels());
            }
        });
    }

    private static ModelException refused(NativeModel model, Path card, IllegalArgumentException e) {
        return ModelException.unusable(model.source(), "its card file " + card + " is refused: " + e.getMessage(), e);
    }
}
