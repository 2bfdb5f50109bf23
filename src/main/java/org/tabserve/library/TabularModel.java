package org.tabserve.library;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.model.answer.FieldValue;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.answer.SentOrder;
import org.tabserve.model.conformal.RowUncertainty;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.field.RowWarnings;
import org.tabserve.rows.read.CellRows;

/**
 * A model loaded in this JVM and scored as the server scores it: each row's cells checked as the server checks a JSON
 * row's, the answer's fields ({@link AnswerField}) read from the same assembly, with explanations and conformal
 * coverage when asked ({@link #explaining()}, {@link #covering(double)}).
 *
 * <pre>{@code
 * try (TabularModel model = TabularModel.load(Path.of("model.onnx"))) {
 *     TabularModel.Answer answer = model.score(Map.of("variance", 3.62, "skewness", 8.67, ...));
 *     answer.label();   // "0"
 *     answer.values();  // {label=..., display_name=..., probabilities=..., warnings=...}
 * }
 * }</pre>
 *
 * <p>Thread-safety: one instance may score from many threads at once. {@link #explaining()} and {@link #covering}
 * are views of the same loaded model; close the one {@link #load} returned, once, when done.
 */
public final class TabularModel implements AutoCloseable {

    private final Loaded loaded;
    private final Double coverage;
    private final boolean explain;
    private final AnswerAssembler scoring;

    /** The one loaded model its views share, and its explainer, made at the first explanation asked. */
    private static final class Loaded {
        private final Model model;
        private Explainer explainer;

        private Loaded(Model model) {
            this.model = model;
        }

        private synchronized Explainer explainer() {
            if (explainer == null) {
                explainer = new Explainer(model, model.card().background(), true);
            }
            return explainer;
        }
    }

    private TabularModel(Loaded loaded, Double coverage, boolean explain) {
        this.loaded = loaded;
        this.coverage = coverage;
        this.explain = explain;
        Model model = loaded.model;
        if (coverage != null && model.card().conformal() == null) {
            throw new IllegalStateException("the model's card has no conformal calibration to cover answers with"
                    + " (the card command's --calibration makes one)");
        }
        this.scoring = AnswerAssembler.of(() -> model)
                .covering(
                        coverage == null ? null : RowUncertainty.at(model.card().conformal(), coverage))
                .explaining(explain ? AnswerAssembler.Explaining.of(loaded.explainer()) : null, true)
                .build();
    }

    /**
     * @param path an ONNX file, an XGBoost JSON or UBJSON file, a LightGBM text file (each with its card beside it,
     *             when it has one) or an MLflow model directory: what the server serves
     * @return the model, ready to score
     * @throws org.tabserve.model.signature.ModelException naming the file and why it is refused
     */
    public static TabularModel load(Path path) {
        return new TabularModel(new Loaded(ModelLoader.load(path)), null, false);
    }

    /** @return this model whose answers carry each row's explanation (each feature's contribution) */
    public TabularModel explaining() {
        return new TabularModel(loaded, coverage, true);
    }

    /**
     * @param coverage the share of answers the interval or prediction set covers, e.g. 0.9
     * @return this model whose answers carry a regressor's interval or a classifier's prediction set at that coverage
     *         (and each row's novelty where the card measures it)
     * @throws IllegalStateException when the model's card has no conformal calibration
     */
    public TabularModel covering(double coverage) {
        return new TabularModel(loaded, coverage, explain);
    }

    /** @return the model's features, in its order: the keys a row is given by */
    public List<String> features() {
        return loaded.model.signature().featureNames();
    }

    /** @return the fields a scored row's answer carries, in the order every format writes them */
    public List<AnswerField> fields() {
        return fields(false);
    }

    /** @return the core's model, for what this class does not say (its card, its signature) */
    public Model model() {
        return loaded.model;
    }

    /**
     * @param row the row's values by feature: a {@link Number}, a {@link String} or a {@link Boolean} each, as a
     *            JSON row's; a feature left out or null is missing, a key the model does not take is ignored (with a
     *            warning)
     * @return the row's answer
     * @throws IllegalArgumentException naming each of the row's problems when the model cannot score it
     */
    public Answer score(Map<String, ?> row) {
        Answer answer = score(List.of(row)).get(0);
        if (!answer.scored()) {
            throw new IllegalArgumentException("the model cannot score the row: " + answer.problems());
        }
        return answer;
    }

    /**
     * @param rows the table's rows, each as {@link #score(Map)} takes one
     * @return one answer per row, in order: a row the model cannot score is answered in its place with its problems
     *         ({@link Answer#problems()}), as the server's {@code on_error=row}
     */
    public List<Answer> score(List<? extends Map<String, ?>> rows) {
        Model model = loaded.model;
        ModelSignature signature = model.signature();
        List<String> names = signature.featureNames();
        List<Object[]> cells = new ArrayList<>(rows.size());
        List<Object[]> sent = new ArrayList<>(rows.size());
        Set<String> ignored = new LinkedHashSet<>();
        for (Map<String, ?> row : rows) {
            Object[] values = new Object[names.size()];
            for (int f = 0; f < values.length; f++) {
                values[f] = row.get(names.get(f));
            }
            for (String key : row.keySet()) {
                if (!names.contains(key)) {
                    ignored.add(key);
                }
            }
            cells.add(values);
            sent.add(values.clone()); // the check replaces cells by the model's reading; warnings read them as sent
        }
        CellRows.Checked checked = CellRows.check(signature, cells);
        ScoredRows scored = scoring.scoreKept(checked.batch());
        List<RangeWarning> request = RowWarnings.ignored(new ArrayList<>(ignored));
        List<AnswerField> fields = fields(true);
        List<Answer> answers = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            int kept = checked.order().scoredAt(r);
            if (kept == SentOrder.REFUSED) {
                List<AnsweredRow.Problem> problems = new ArrayList<>();
                for (FieldError error : checked.errors().get(r)) {
                    problems.add(new AnsweredRow.Problem(error.field(), error.message(), null));
                }
                answers.add(new Answer(new AnsweredRow.Refused(problems), fields));
                continue;
            }
            List<RangeWarning> warnings = new ArrayList<>(request);
            warnings.addAll(RowWarnings.warnings(model.card(), checked.batch(), kept, sent.get(r)));
            Prediction prediction = scored.prediction(kept);
            String name = prediction instanceof Prediction.Classification c
                    ? model.card().displayName(c.label())
                    : null;
            answers.add(new Answer(scored.row(kept).with(name, List.copyOf(warnings)), fields));
        }
        return answers;
    }

    private List<AnswerField> fields(boolean errors) {
        AnswerShape shape = scoring.shape(explain);
        List<AnswerField> fields = new ArrayList<>();
        for (AnswerField field : AnswerField.values()) {
            if (field.present(shape, errors)) {
                fields.add(field);
            }
        }
        return List.copyOf(fields);
    }

    /** Closes the model (its ONNX Runtime session); its views ({@link #explaining()}, {@link #covering}) with it. */
    @Override
    public void close() throws Exception {
        loaded.model.close();
    }

    /**
     * One row's answer: its fields as the server's JSON answer names them.
     *
     * @param row    the row as answered: scored, or refused with its problems
     * @param fields the fields such an answer carries, in order
     */
    public record Answer(AnsweredRow row, List<AnswerField> fields) {

        /** @return whether the row was scored (else {@link #problems()} says why not) */
        public boolean scored() {
            return row instanceof AnsweredRow.Scored;
        }

        /** @return the field's value for this row, or null where the row does not carry it */
        public FieldValue value(AnswerField field) {
            return fields.contains(field) ? field.value(row) : null;
        }

        /** @return each field the row carries by its JSON key, in the order every format writes them */
        public Map<String, FieldValue> values() {
            Map<String, FieldValue> values = new LinkedHashMap<>();
            for (AnswerField field : fields) {
                FieldValue value = field.value(row);
                if (value != null) {
                    values.put(field.key(), value);
                }
            }
            return values;
        }

        /** @return a classifier's predicted class, or null for a regressor's or a refused row */
        public String label() {
            return value(AnswerField.LABEL) instanceof FieldValue.Text text ? text.text() : null;
        }

        /** @return a classifier's probability of each class by label, in the model's class order; else empty */
        public Map<String, Double> probabilities() {
            Map<String, Double> probabilities = new LinkedHashMap<>();
            if (value(AnswerField.PROBABILITIES) instanceof FieldValue.NamedNumbers named) {
                for (int c = 0; c < named.names().size(); c++) {
                    probabilities.put(named.names().get(c), named.numbers().get(c));
                }
            }
            return probabilities;
        }

        /** @return a regressor's predicted number, or null for a classifier's or a refused row */
        public Double number() {
            return value(AnswerField.VALUE) instanceof FieldValue.Number n
                    ? n.number().doubleValue()
                    : null;
        }

        /** @return a refused row's problems, each naming its field; empty for a scored row */
        public List<AnsweredRow.Problem> problems() {
            return row instanceof AnsweredRow.Refused refused ? refused.problems() : List.of();
        }
    }
}
