package org.tabserve.model.signature;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a loaded model takes and gives: its inputs with their features (each named, typed, maybe missing, maybe with
 * known categories), whether it classifies or regresses, and a classifier's classes in its output's order.
 *
 * <p>A value class (not a record) so that the feature list, which every request reads several times, is built once.
 */
public final class ModelSignature {

    private final List<ModelInput> inputs;
    private final Task task;
    private final List<String> classLabels;
    private final OutputKind outputKind;
    private final boolean logits;
    private final int fixedBatch;
    private final List<Feature> features;
    private final List<String> featureNames;
    private final boolean numbersOnly;
    private final RowCheck rowCheck;

    /**
     * @param inputs       the graph's inputs, in the graph's order
     * @param task         classification or regression
     * @param classLabels  a classifier's class labels in its probability output's order; empty for a regressor
     * @param outputKind   how the graph returns its answer
     * @param logits       whether the probability output holds logits that tabserve turns into probabilities
     * @param fixedBatch   the graph's fixed batch size (a batch is fed in chunks of it, the last one padded), or 0
     *                     when the batch dimension is free
     */
    public ModelSignature(
            List<ModelInput> inputs,
            Task task,
            List<String> classLabels,
            OutputKind outputKind,
            boolean logits,
            int fixedBatch) {
        this(inputs, task, classLabels, outputKind, logits, fixedBatch, RowCheck.NONE);
    }

    private ModelSignature(
            List<ModelInput> inputs,
            Task task,
            List<String> classLabels,
            OutputKind outputKind,
            boolean logits,
            int fixedBatch,
            RowCheck rowCheck) {
        this.rowCheck = Objects.requireNonNull(rowCheck, "rowCheck");
        this.inputs = List.copyOf(inputs);
        this.task = Objects.requireNonNull(task, "task");
        this.outputKind = Objects.requireNonNull(outputKind, "outputKind");
        this.classLabels = List.copyOf(classLabels);
        this.logits = logits;
        this.fixedBatch = fixedBatch;
        if (this.inputs.isEmpty()) {
            throw new IllegalArgumentException("a signature needs at least one input");
        }
        this.features = this.inputs.stream().flatMap(i -> i.features().stream()).toList();
        this.featureNames = features.stream().map(Feature::name).toList();
        this.numbersOnly = features.stream().allMatch(f -> f.type().isNumber() && !f.missingAllowed());
        requireDistinct("input", this.inputs.stream().map(ModelInput::name).toList());
        requireDistinct("feature", featureNames);
        requireDistinct("class", this.classLabels);
        if ((task == Task.CLASSIFICATION) == this.classLabels.isEmpty()) {
            throw new IllegalArgumentException(
                    task == Task.CLASSIFICATION
                            ? "a classifier needs at least one class"
                            : "a regressor has no classes, got " + this.classLabels);
        }
        if ((task == Task.REGRESSION) != (outputKind == OutputKind.VALUE)) {
            throw new IllegalArgumentException(task + " with output kind " + outputKind);
        }
        if (fixedBatch < 0) {
            throw new IllegalArgumentException("fixedBatch must be 0 (free) or positive, got " + fixedBatch);
        }
    }

    /**
     * Rows made against a signature, column by column, as a {@link RowCheck} reads them: a batch is one. What a check
     * needs of a batch, so that the signature that carries the check need not know the batch that runs it.
     */
    public interface Rows {

        /** @return the signature the rows were made against */
        ModelSignature signature();

        /** @return how many rows there are */
        int size();

        /**
         * @param input an index into {@link ModelSignature#inputs()}
         * @return that input's values, row-major: float[], double[], long[], int[], String[] or boolean[] as its type
         */
        Object data(int input);

        /**
         * @return the value of a number feature (by its index in {@link ModelSignature#features()}) in a row, as a
         *         double (NaN when missing); NaN for a text or boolean feature
         */
        double number(int row, int feature);
    }

    /**
     * A model's own check of whole rows, beyond each cell's: what only the model can tell of a row whose cells are
     * each fine (a linear model's row whose score overflows float in one order of adding and not in another). A
     * batch made against the signature runs it on every row whose cells it took, so that such a row is refused
     * as a bad cell is, naming its fields, alone, in any batch and on every route, and left out in its place where the
     * caller asks for the other rows' answers.
     */
    public interface RowCheck {

        /** Takes every row. */
        RowCheck NONE = (rows, skip, errors) -> {};

        /**
         * Adds to {@code errors} the problems of each row of {@code rows} that it refuses, by the row's index.
         *
         * @param skip the rows not to check (their cells were refused), or null for none
         */
        void check(Rows rows, boolean[] skip, FieldErrors errors);

        /**
         * Refuses the rows when it refuses any of them: for a batch checked against another signature, as the
         * model checks its rows itself before it computes them.
         *
         * @throws ModelException of kind {@link ModelException.Kind#INVALID_INPUT} naming each refused row's fields
         */
        default void refuse(Rows batch) {
            FieldErrors errors = new FieldErrors();
            check(batch, null, errors);
            errors.throwIfAny();
        }
    }

    /**
     * @return this signature with the model's own {@link RowCheck} of whole rows, which {@link #equals} leaves out: a
     *         batch made against an equal signature of another model (another version's) is checked by the model
     *         itself ({@link RowCheck#refuse})
     */
    public ModelSignature withRowCheck(RowCheck check) {
        return new ModelSignature(inputs, task, classLabels, outputKind, logits, fixedBatch, check);
    }

    /** @return the model's own check of whole rows ({@link RowCheck#NONE} by default) */
    public RowCheck rowCheck() {
        return rowCheck;
    }

    /** @return the graph's inputs, in the graph's order */
    public List<ModelInput> inputs() {
        return inputs;
    }

    /** @return classification or regression */
    public Task task() {
        return task;
    }

    /** @return a classifier's class labels in its probability output's order; empty for a regressor */
    public List<String> classLabels() {
        return classLabels;
    }

    /** @return how the graph returns its answer */
    public OutputKind outputKind() {
        return outputKind;
    }

    /** @return whether the probability output holds logits that tabserve turns into probabilities */
    public boolean logits() {
        return logits;
    }

    /**
     * What a user of the answers must know when the probabilities are made by tabserve from the model's raw scores
     * (an SVM's one-vs-rest votes, a network's last layer), not by the model: they sum to 1 but nobody calibrated
     * them. Said by the answers, the form and the card.
     *
     * @return the sentence, or null when the model gives its probabilities itself
     */
    public String probabilityNote() {
        return logits ? PROBABILITY_NOTE : null;
    }

    /** {@link #probabilityNote()}'s sentence. */
    public static final String PROBABILITY_NOTE = "scores normalised by softmax (a sigmoid for a single score), not"
            + " calibrated probabilities: the model gives scores, and tabserve turned them into shares that add up"
            + " to 1";

    /** @return the graph's fixed batch size, or 0 when the batch dimension is free */
    public int fixedBatch() {
        return fixedBatch;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelSignature that
                && inputs.equals(that.inputs)
                && task == that.task
                && classLabels.equals(that.classLabels)
                && outputKind == that.outputKind
                && logits == that.logits
                && fixedBatch == that.fixedBatch;
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputs, task, classLabels, outputKind, logits, fixedBatch);
    }

    @Override
    public String toString() {
        return "ModelSignature[inputs=" + inputs + ", task=" + task + ", classLabels=" + classLabels + ", outputKind="
                + outputKind + ", logits=" + logits + ", fixedBatch=" + fixedBatch + "]";
    }

    /** The signature of a classifier with one float input {@code [N, F]} of these features and a free batch. */
    public static ModelSignature floatClassifier(
            String inputName, List<String> featureNames, List<String> classLabels, OutputKind outputKind) {
        return new ModelSignature(
                List.of(new ModelInput(
                        inputName,
                        ValueType.FLOAT,
                        featureNames.stream().map(Feature::number).toList(),
                        2)),
                Task.CLASSIFICATION,
                classLabels,
                outputKind,
                false,
                0);
    }

    private static void requireDistinct(String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException("duplicate " + what + " name '" + name + "' in " + names);
            }
        }
    }

    /** @return every feature, input by input, column by column: the order of a row given as an array */
    public List<Feature> features() {
        return features;
    }

    /** @return the names of {@link #features()}, in that order */
    public List<String> featureNames() {
        return featureNames;
    }

    /** @return the feature of that name */
    public Optional<Feature> feature(String name) {
        return features().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** @return whether every feature is a number that may not be missing, as rows of plain numbers can carry */
    public boolean numbersOnly() {
        return numbersOnly;
    }

    /**
     * @return the name of the model's one input
     * @throws IllegalStateException for a model of several inputs
     */
    public String inputName() {
        if (inputs.size() != 1) {
            throw new IllegalStateException("the model has " + inputs.size() + " inputs");
        }
        return inputs.get(0).name();
    }

    /** @return the number of features one row has */
    public int featureCount() {
        return features.size();
    }

    /**
     * Says whether a value can be fed to the model as a feature: it must be finite once converted to the 32-bit float
     * the input tensor holds, the one rule of every route (JSON, v2's FP32, MLflow, CSV, form and query). So
     * {@code 3.4028235e38}, which rounds to {@link Float#MAX_VALUE}, is taken, and {@code 3.5e38}, which rounds to
     * infinity, is not. Parsers call it to report a bad value where they read it.
     *
     * @param feature the feature's name, for the message
     * @param value   the value
     * @return what is wrong with it, or null when it is fine
     */
    public static String valueProblem(String feature, double value) {
        return CellChecker.valueProblem(feature, value);
    }

    /** Collects field errors up to the cap while counting all of them (public for the runtimes in model.onnx). */
    public static final class FieldErrors {
        private final List<FieldError> errors = new ArrayList<>();
        private int total;

        public void add(int row, String field, String message) {
            total++;
            if (errors.size() < ModelException.MAX_FIELD_ERRORS) {
                errors.add(new FieldError(row, field, message));
            }
        }

        public void throwIfAny() {
            if (total > 0) {
                throw ModelException.invalidInput(errors, total);
            }
        }
    }
}
