package org.tabserve.model.loading;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.tabserve.model.Model;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.mlflow.MlflowColumn;
import org.tabserve.model.mlflow.MlflowDirectory;
import org.tabserve.model.mlflow.MlflowExample;
import org.tabserve.model.mlflow.MlflowFormatException;
import org.tabserve.model.mlflow.MlflowModel;
import org.tabserve.model.mlflow.MlflowProvenance;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.ValueType;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.NativeModel;
import org.tabserve.model.trees.TrainedForest;

/**
 * Loads an MLflow model directory by its flavor: the ONNX flavor's file through the ONNX loader, the XGBoost and
 * LightGBM flavors' through their readers, named by the MLflow model, its signature's columns naming a file's
 * unnamed features, and its run and model ids on the card, with the card of its {@code tabserve.card.json}
 * ({@link CardBeside}) when it has one; no other flavor is served (code is never loaded).
 */
final class MlflowModels {

    /** The names a library gives features it was given none for: XGBoost's f0, LightGBM's Column_0. */
    private static final Pattern GENERATED = Pattern.compile("f\\d+|Column_\\d+");

    private static final System.Logger LOG = System.getLogger(MlflowModels.class.getName());

    /** The most rows of an input example the form offers. */
    private static final int MAX_EXAMPLES = 10;

    private MlflowModels() {}

    static Model load(Path directory) {
        String source = directory.toString();
        MlflowModel mlflow;
        try {
            mlflow = MlflowDirectory.read(directory);
        } catch (MlflowFormatException e) {
            throw ModelException.unusable(source, e.getMessage(), e);
        }
        String name = name(mlflow, directory);
        java.nio.file.Path card = CardBeside.of(directory);
        return switch (mlflow.flavor()) {
            case ONNX -> {
                if (java.nio.file.Files.exists(card, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw ModelException.unusable(
                            source,
                            "it holds a card file " + card + ", which is for a model whose file carries no card; an"
                                    + " ONNX model's card is its metadata (make it with tabserve card on the ONNX file)",
                            null);
                }
                yield OnnxModelLoader.load(mlflow.artifact());
            }
            case XGBOOST -> NativeCards.withCard(forest(mlflow, name, ValueType.FLOAT), card, ValueType.FLOAT);
            case LIGHTGBM -> NativeCards.withCard(forest(mlflow, name, ValueType.DOUBLE), card, ValueType.DOUBLE);
        };
    }

    private static NativeModel forest(MlflowModel mlflow, String name, ValueType answerType) {
        NativeModel read = ForestFiles.read(mlflow.artifact(), name, answerType);
        TrainedForest forest = read.forest();
        List<String> names = names(mlflow, forest, read.source());
        ModelCard card = ForestFiles.card(forest, name);
        Map<String, String> metadata = new LinkedHashMap<>(card.metadata());
        MlflowProvenance p = mlflow.provenance();
        put(metadata, "mlflow.run_id", p.runId());
        put(metadata, "mlflow.model_uuid", p.modelUuid());
        put(metadata, "mlflow.model_id", p.modelId());
        put(metadata, "mlflow.version", p.mlflowVersion());
        put(metadata, "mlflow.utc_time_created", p.utcTimeCreated());
        put(metadata, "mlflow.flavor", mlflow.flavor().key());
        put(metadata, "mlflow.library_version", p.libraryVersion());
        ModelCard.Builder withMlflow = ModelCard.builder(card.name(), card.version())
                .producer(card.producer())
                .description("MLflow model" + (p.runId() == null || p.runId().isEmpty() ? "" : " of run " + p.runId()))
                .metadata(metadata);
        NativeModel model = NativeModel.of(forest, read.source(), read.sha256(), withMlflow.build(), answerType, names);
        Map<String, List<Map<String, Object>>> examples = examples(mlflow, model);
        return examples.isEmpty()
                ? model
                : NativeModel.of(
                        forest,
                        read.source(),
                        read.sha256(),
                        withMlflow.examples(examples).build(),
                        answerType,
                        names);
    }

    /**
     * The input example's rows as the card's examples, each under the class the model answers for it (a regressor's
     * under {@code example}), so that the form offers them; none when the example does not fit the model's inputs
     * (said in the log: the model itself is fine).
     */
    private static Map<String, List<Map<String, Object>>> examples(MlflowModel mlflow, NativeModel model) {
        if (mlflow.inputExample().isEmpty()) {
            return Map.of();
        }
        MlflowExample example = mlflow.inputExample().get();
        List<String> features = model.signature().featureNames();
        List<Object[]> rows = new ArrayList<>();
        for (List<Object> values :
                example.rows().subList(0, Math.min(MAX_EXAMPLES, example.rows().size()))) {
            Object[] cells = new Object[features.size()];
            for (int c = 0; c < example.columns().size() && c < values.size(); c++) {
                int f = features.indexOf(example.columns().get(c));
                if (f >= 0) {
                    cells[f] = values.get(c);
                }
            }
            rows.add(cells);
        }
        List<Prediction> answers;
        try {
            answers = model.predict(Batch.of(model.signature(), rows));
        } catch (ModelException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    model.source() + ": its MLflow input example does not fit its inputs, so the form offers none ("
                            + e.getMessage() + ")");
            return Map.of();
        }
        Map<String, List<Map<String, Object>>> byLabel = new LinkedHashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int f = 0; f < features.size(); f++) {
                row.put(features.get(f), rows.get(r)[f]);
            }
            String label = answers.get(r) instanceof Prediction.Classification c ? c.label() : "example";
            byLabel.computeIfAbsent(label, k -> new ArrayList<>()).add(row);
        }
        return byLabel;
    }

    /**
     * The features' names: the file's own, which the signature's columns must equal where it has some, else the
     * signature's columns in order.
     */
    private static List<String> names(MlflowModel mlflow, TrainedForest forest, String source) {
        List<String> own = forest.features().stream().map(ForestFeature::name).toList();
        List<MlflowColumn> columns =
                mlflow.signature().map(s -> s.inputs().columns()).orElse(List.of());
        if (columns.isEmpty()) {
            return own;
        }
        if (columns.size() != own.size()) {
            throw ModelException.unusable(
                    source,
                    "its MLflow signature has " + columns.size() + " input columns; the model file has " + own.size()
                            + " features",
                    null);
        }
        boolean generated = own.stream().allMatch(n -> GENERATED.matcher(n).matches());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i).name();
            if (!generated && !column.equals(own.get(i))) {
                throw ModelException.unusable(
                        source,
                        "its MLflow signature's input column " + (i + 1) + " is '" + column
                                + "' where the model file's feature is '" + own.get(i) + "'",
                        null);
            }
            names.add(column);
        }
        return names;
    }

    private static String name(MlflowModel mlflow, Path directory) {
        // MLflow 3's name; else the directory's (its model's, for a version directory); artifact_path is most often
        // the word "model", which names nothing.
        String name = mlflow.provenance().name();
        if (name != null && name.matches("[A-Za-z0-9._-]{1,100}")) {
            return name;
        }
        Path folder = directory.toAbsolutePath().normalize();
        if (folder.getFileName() != null
                && folder.getFileName().toString().matches("\\d+")
                && folder.getParent() != null) {
            folder = folder.getParent();
        }
        return folder.getFileName() == null ? "model" : folder.getFileName().toString();
    }

    private static void put(Map<String, String> metadata, String key, String value) {
        if (value != null && !value.isEmpty()) {
            metadata.put(key, value);
        }
    }
}
