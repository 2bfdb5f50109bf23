package org.tabserve.model.trees;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.ModelFormat;
import org.tabserve.model.ReadModel;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.explain.StructuralExplainer;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueOutput;
import org.tabserve.model.signature.ValueType;

/**
 * A {@link Model} that serves a {@link TrainedForest} read from its training library's own file: each row's cells
 * become the forest's doubles (a text category its index, a missing or unknown one NaN) and the forest answers as its
 * library does; every route, the card and the explanations see a model like any other.
 *
 * <p>Its inputs: one {@code [N, F]} input of doubles named {@value #INPUT} when every feature is a number (as the
 * libraries' own servers take a matrix), else one column input per feature, a text category's as text. Every number
 * takes a missing value: the trees route it, as their library was trained to.
 *
 * <p>Thread-safety: immutable; {@link #close()} refuses new predictions (nothing native is held).
 */
public final class NativeModel extends ReadModel {

    /** The name of the one input of a forest whose features are all numbers. */
    public static final String INPUT = "input";

    /** The name of a regressor's output, for protocols that name outputs. */
    public static final String OUTPUT = "variable";

    private final TrainedForest forest;
    /** Made once: every answer's source asks for the engine's name. */
    private final Engine engine;

    private final ModelFormat format;
    /** For each feature sent as text: its categories' codes; null for the others. */
    private final List<Map<String, Integer>> codes;

    private volatile boolean closed;
    /** Its exact explainer ({@link ForestExplainer}), built on first use; null until then. */
    private volatile Optional<StructuralExplainer> structural;

    private NativeModel(
            TrainedForest forest,
            String source,
            String sha256,
            ModelSignature signature,
            ModelCard card,
            ValueType answerType) {
        super(
                source,
                sha256,
                signature,
                card,
                forest.task() == Task.REGRESSION ? new ValueOutput(OUTPUT, answerType) : null);
        this.forest = forest;
        this.engine = new Engine(
                Engine.PLAIN_JAVA,
                "the trees read from its " + forest.format() + " file, evaluated in plain Java as "
                        + forest.writtenBy().replaceFirst(" .*", "") + " evaluates them");
        this.format = new ModelFormat(forest.format(), forest.writtenBy());
        List<Map<String, Integer>> byFeature = new ArrayList<>();
        for (ForestFeature feature : forest.features()) {
            Map<String, Integer> index = null;
            if (feature.text()) {
                index = new HashMap<>();
                for (int c = 0; c < feature.categories().size(); c++) {
                    index.putIfAbsent(feature.categories().get(c), c);
                }
            }
            byFeature.add(index);
        }
        this.codes = byFeature;
    }

    /**
     * @param forest     what the reader read
     * @param source     where it was read from
     * @param sha256     the file's SHA-256, lower-case hex (an MLflow directory's artifact's)
     * @param card       what it says about itself
     * @param answerType the precision of its answers: {@link ValueType#FLOAT} for XGBoost, {@link ValueType#DOUBLE}
     *                   for LightGBM
     * @throws IllegalArgumentException when the card does not fit the forest's signature
     */
    public static NativeModel of(
            TrainedForest forest, String source, String sha256, ModelCard card, ValueType answerType) {
        return of(
                forest,
                source,
                sha256,
                card,
                answerType,
                forest.features().stream().map(ForestFeature::name).toList());
    }

    /**
     * As {@link #of(TrainedForest, String, String, ModelCard, ValueType)}, its features named {@code names} (in
     * order): an MLflow signature's column names for a file that names none.
     */
    public static NativeModel of(
            TrainedForest forest,
            String source,
            String sha256,
            ModelCard card,
            ValueType answerType,
            List<String> names) {
        return new NativeModel(forest, source, sha256, signatureOf(forest, names), card, answerType);
    }

    /** @return what a forest takes and gives, as every route sees it, its features named {@code names} */
    static ModelSignature signatureOf(TrainedForest forest, List<String> names) {
        if (names.size() != forest.features().size()) {
            throw new IllegalArgumentException(names.size() + " names for the forest's "
                    + forest.features().size() + " features");
        }
        List<Feature> features = new ArrayList<>();
        boolean numbers = true;
        for (int f = 0; f < names.size(); f++) {
            ForestFeature feature = forest.features().get(f);
            String name = names.get(f);
            features.add(
                    feature.text()
                            ? new Feature(
                                    name, ValueType.STRING, Feature.Missing.TREES, feature.categories(), false, null)
                            : new Feature(name, ValueType.DOUBLE, Feature.Missing.TREES, List.of(), false, null));
            numbers &= !feature.text();
        }
        List<ModelInput> inputs = new ArrayList<>();
        if (numbers) {
            inputs.add(new ModelInput(INPUT, ValueType.DOUBLE, features, 2));
        } else {
            for (Feature feature : features) {
                inputs.add(new ModelInput(feature.name(), feature.type(), List.of(feature), 1));
            }
        }
        boolean classifier = forest.task() == Task.CLASSIFICATION;
        return new ModelSignature(
                inputs,
                forest.task(),
                classifier ? forest.classes() : List.of(),
                classifier ? OutputKind.LABEL_AND_PROBABILITIES : OutputKind.VALUE,
                false,
                0);
    }

    /** @return the forest it serves */
    public TrainedForest forest() {
        return forest;
    }

    @Override
    public ModelFormat format() {
        return format;
    }

    @Override
    public Engine engine() {
        return engine;
    }

    /**
     * Interventional TreeSHAP from its trees against its card's background ({@link ForestExplainer}), built once on
     * first use: empty when the card has no background, the forest's leaves are linear, or its answer is not its
     * margin or value through the link explained so (a regressor through {@code exp} or {@code sigmoid}).
     */
    @Override
    public Optional<StructuralExplainer> structuralExplainer() {
        Optional<StructuralExplainer> built = structural;
        if (built == null) {
            synchronized (this) {
                built = structural;
                if (built == null) {
                    built = Optional.ofNullable(
                            ForestExplainer.build(forest, signature, card, source, (batch, r, row) -> {
                                refuseClosed();
                                values(batch, r, row);
                            }));
                    structural = built;
                }
            }
        }
        return built;
    }

    @Override
    public List<Prediction> predict(double[][] rows) {
        refuseClosed();
        if (rows.length == 0) {
            return List.of();
        }
        if (signature.numbersOnly()) {
            return predict(Batch.ofNumbers(signature, rows));
        }
        // Its numbers take a missing value: a NaN is one, as a forest's library reads a NaN.
        List<Object[]> cells = new ArrayList<>(rows.length);
        for (double[] row : rows) {
            Object[] boxed = new Object[row.length];
            for (int i = 0; i < row.length; i++) {
                boxed[i] = Double.isNaN(row[i]) ? null : (Object) row[i];
            }
            cells.add(boxed);
        }
        return predict(Batch.of(signature, cells));
    }

    @Override
    public List<Prediction> predict(Batch batch) {
        if (batch.signature() != signature && !batch.signature().equals(signature)) {
            throw new IllegalArgumentException("the batch was checked against another model's signature");
        }
        refuseClosed();
        int rows = batch.size();
        int width = forest.features().size();
        boolean classifier = forest.task() == Task.CLASSIFICATION;
        int outputs = classifier ? forest.classes().size() : 1;
        double[] row = new double[width];
        double[] scores = new double[outputs];
        int[] labels = classifier ? new int[rows] : null;
        double[] probabilities = classifier ? new double[rows * outputs] : null;
        double[] values = classifier ? null : new double[rows];
        ModelSignature.FieldErrors errors = new ModelSignature.FieldErrors();
        for (int r = 0; r < rows; r++) {
            values(batch, r, row);
            forest.answer(row, scores);
            if (classifier) {
                int best = 0;
                boolean finite = true;
                for (int c = 0; c < outputs; c++) {
                    probabilities[r * outputs + c] = scores[c];
                    finite &= Double.isFinite(scores[c]);
                    best = scores[c] > scores[best] ? c : best;
                }
                labels[r] = finite ? best : PredictionColumns.NO_ANSWER;
                if (!finite) {
                    errors.add(r, "row", "the model gives no finite probabilities for this row");
                }
            } else {
                values[r] = scores[0];
                if (!Double.isFinite(scores[0])) {
                    errors.add(
                            r,
                            "row",
                            "the model's answer for this row is not a finite number (" + forest.objective()
                                    + " overflows)");
                }
            }
        }
        errors.throwIfAny();
        return classifier
                ? PredictionColumns.classified(forest.classes(), labels, probabilities)
                : PredictionColumns.regressed(values);
    }

    /** Row {@code r}'s cells as the forest takes them ({@link ForestFeature}). */
    private void values(Batch batch, int r, double[] row) {
        for (int f = 0; f < row.length; f++) {
            Map<String, Integer> index = codes.get(f);
            if (index == null) {
                row[f] = batch.number(r, f);
            } else {
                Object cell = batch.cell(r, f);
                Integer code = cell == null ? null : index.get((String) cell);
                row[f] = code == null ? Double.NaN : code;
            }
        }
    }

    private void refuseClosed() {
        if (closed) {
            throw ModelException.predictionFailed("the model " + source + " has been closed", null);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
