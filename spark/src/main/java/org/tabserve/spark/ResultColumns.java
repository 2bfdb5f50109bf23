package org.tabserve.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.model.answer.FieldType;
import org.tabserve.model.answer.RequestField;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.Prediction;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The columns a scored row gets, named as the server's JSON answer names its keys: the answer (a struct of the
 * described per-row fields Spark carries, {@link AnswerField}, looped over in their order: {@code label} and
 * {@code probabilities} for a classifier, {@code value} for a regressor, and with a coverage {@code prediction_set} or
 * {@code interval}, and {@code novelty}; then {@code explanation} when asked; any other by its type), whose column
 * metadata carries the
 * request-level fields an answer's body carries ({@link RequestField}), and the row's errors (null for a scored row).
 */
final class ResultColumns implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final StructType INTERVAL =
            new StructType().add("lower", DataTypes.DoubleType).add("upper", DataTypes.DoubleType);
    private static final StructType NOVELTY =
            new StructType().add("p_value", DataTypes.DoubleType).add("novel", DataTypes.BooleanType);
    static final DataType ERRORS = DataTypes.createArrayType(
            new StructType().add("field", DataTypes.StringType, false).add("message", DataTypes.StringType, false));

    private static final StructType EXPLANATION = new StructType()
            .add("method", DataTypes.StringType)
            .add("explained", DataTypes.StringType)
            .add("class", DataTypes.StringType)
            .add("base_value", DataTypes.DoubleType)
            .add("output", DataTypes.DoubleType)
            .add("contributions", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType));

    private final boolean classifier;
    private final boolean covered;
    private final boolean explained;
    private final List<String> classes;
    /** The answer struct's fields, each with how a scored row fills it; made again where this copy came over the wire. */
    private transient List<Part> parts;
    /** The last prediction's classes found equal to {@link #classes}. */
    private transient List<String> checkedClasses;

    /**
     * @param classes a classifier's class labels in its probability output's order: {@code probabilities} is then a
     *                struct of one double per class, named by its label (as the server's JSON object), with no map
     *                built per row; empty (or labels that repeat) for a map of class to probability
     */
    ResultColumns(boolean classifier, boolean covered, boolean explained, List<String> classes) {
        this.classifier = classifier;
        this.covered = covered;
        this.explained = explained;
        this.classes = classifier && !classes.isEmpty() && Set.copyOf(classes).size() == classes.size()
                ? List.copyOf(classes)
                : null;
    }

    /** One field of the answer struct: its name and type, and its value for a scored row. */
    private record Part(StructField field, Cell cell) {}

    /** A field's value for one scored row. */
    @FunctionalInterface
    private interface Cell {
        Object of(AnsweredRow.Scored row);
    }

    /** How a field Spark spells its own way is made a part, for an answer of these columns; null for none. */
    @FunctionalInterface
    private interface Spelling {
        Part of(ResultColumns columns, AnswerField field);
    }

    /**
     * The fields Spark's struct spells its own way, or leaves out (a null part); any other present field is a part by
     * its type ({@link SparkFields}), its value the row's ({@link AnswerField#value}).
     */
    private static final Map<AnswerField, Spelling> OWN = new EnumMap<>(AnswerField.class);

    static {
        OWN.put(
                AnswerField.LABEL,
                (columns, field) -> part(
                        field, DataTypes.StringType, row -> ((Prediction.Classification) row.prediction()).label()));
        OWN.put(
                AnswerField.PROBABILITIES,
                (columns, field) -> part(
                        field,
                        columns.probabilitiesType(),
                        row -> columns.probabilities((Prediction.Classification) row.prediction())));
        OWN.put(
                AnswerField.VALUE,
                (columns, field) ->
                        part(field, DataTypes.DoubleType, row -> ((Prediction.Regression) row.prediction()).value()));
        // for people and a JSON answer: Spark's answer is read by programs
        OWN.put(AnswerField.DISPLAY_NAME, (columns, field) -> null);
        OWN.put(AnswerField.WARNINGS, (columns, field) -> null);
        // Spark's struct has its explanation last, after the uncertainty (the description puts it before the
        // interval): kept there, so that a job reading the struct by position reads it as before (parts())
        OWN.put(
                AnswerField.EXPLANATION,
                (columns, field) -> part(field, EXPLANATION, row -> {
                    Explanation explaining = row.explanation();
                    return RowFactory.create(
                            explaining.method(),
                            explaining.explained(),
                            explaining.explainedClass(),
                            explaining.baseValue(),
                            explaining.output(),
                            CollectionConverters.asScala(explaining.contributions()));
                }));
        OWN.put(
                AnswerField.INTERVAL,
                (columns, field) -> part(
                        field,
                        INTERVAL,
                        row -> RowFactory.create(
                                row.uncertainty().interval().lower(),
                                row.uncertainty().interval().upper())));
        OWN.put(
                AnswerField.PREDICTION_SET,
                (columns, field) -> part(
                        field,
                        DataTypes.createArrayType(DataTypes.StringType),
                        row -> row.uncertainty().predictionSet().toArray(new String[0])));
        // Spark's answer has no coverage field: the job asks one coverage for every row (its coverage param)
        OWN.put(AnswerField.COVERAGE, (columns, field) -> null);
        OWN.put(
                AnswerField.NOVELTY,
                (columns, field) -> part(
                        field,
                        NOVELTY,
                        row -> row.uncertainty().novelty() == null
                                ? null
                                : RowFactory.create(
                                        row.uncertainty().novelty().pValue(),
                                        row.uncertainty().novelty().novel())));
        // a row left out has a null answer and its errors in a column of their own (errorCol)
        OWN.put(AnswerField.ERRORS, (columns, field) -> null);
    }

    private static Part part(AnswerField field, DataType type, Cell cell) {
        return new Part(new StructField(field.key(), type, true, Metadata.empty()), cell);
    }

    /** @return the answer struct's fields, in order: the described fields Spark carries, explanation last */
    private List<Part> parts() {
        if (parts != null) {
            return parts;
        }
        // Spark's answer has a novelty field whenever it is covered, null where the card cannot tell: the column's
        // type does not depend on the card. Only whether it classifies is read of the classes here.
        AnswerShape shape = new AnswerShape(classifier ? List.of() : null, explained, covered, covered);
        List<Part> built = new ArrayList<>();
        Part explanation = null;
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, false)) {
                continue;
            }
            Spelling own = OWN.get(field);
            Part part = own != null ? own.of(this, field) : byType(field, field.type(shape));
            if (field == AnswerField.EXPLANATION) {
                explanation = part; // added last, below
            } else if (part != null) {
                built.add(part);
            }
        }
        if (explanation != null) {
            built.add(explanation);
        }
        parts = List.copyOf(built);
        return parts;
    }

    /** @return a field with no spelling of its own here, by its type, its value the row's */
    private static Part byType(AnswerField field, FieldType type) {
        return part(field, SparkFields.type(type), row -> SparkFields.value(type, field.value(row)));
    }

    /** @return the probabilities' type: a struct of the classes when they are known, else a map */
    private DataType probabilitiesType() {
        if (classes == null) {
            return DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType);
        }
        StructType type = new StructType();
        for (String label : classes) {
            type = type.add(label, DataTypes.DoubleType);
        }
        return type;
    }

    /** @return the answer column's type */
    StructType answerType() {
        return new StructType(parts().stream().map(Part::field).toArray(StructField[]::new));
    }

    /**
     * @param source the answer's request-level values, as the job's assembler gives them
     * @return {@code schema} with the answer and error columns after its own, the answer's metadata carrying the
     *         request-level fields an answer's body carries
     */
    StructType schema(StructType schema, String answerColumn, String errorColumn, AnswerSource source) {
        for (String name : List.of(answerColumn, errorColumn)) {
            if (List.of(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("the input already has a column '" + name
                        + "'; name the output another way (setOutputCol, setErrorCol)");
            }
        }
        return schema.add(new StructField(answerColumn, answerType(), true, metadata(source)))
                .add(errorColumn, ERRORS, true);
    }

    /**
     * @return the answer column's metadata: each request-level field the body carries, under
     *         {@code tabserve.KEY} ({@link RequestField#METADATA_PREFIX})
     */
    static Metadata metadata(AnswerSource source) {
        MetadataBuilder metadata = new MetadataBuilder();
        for (RequestField field : RequestField.values()) {
            if (!field.inBody(source)) {
                continue;
            }
            String key = RequestField.METADATA_PREFIX + field.key();
            Object value = field.value(source);
            metadata = switch (field.type().kind()) {
                case TEXT -> metadata.putString(key, (String) value);
                case NUMBER -> metadata.putLong(key, ((Number) value).longValue());
                case FLAG, TEXTS, NAMED_NUMBERS, STRUCT, RECORDS ->
                    throw new IllegalStateException(field + " is not a request-level field's type");
            };
        }
        return metadata.build();
    }

    /** @return the answer column's value for a scored row */
    Object[] answer(Prediction prediction, Uncertainty uncertainty, Explanation explanation) {
        return answer(new AnsweredRow.Scored(prediction, null, null, explanation, uncertainty));
    }

    /** @return the answer column's value for a scored row, every field read of it */
    Object[] answer(AnsweredRow.Scored row) {
        List<Part> fields = parts();
        Object[] values = new Object[fields.size()];
        for (int f = 0; f < values.length; f++) {
            values[f] = fields.get(f).cell().of(row);
        }
        return values;
    }

    private Object probabilities(Prediction.Classification classification) {
        if (classes == null) {
            return CollectionConverters.asScala(classification.probabilityByClass());
        }
        // The model's one list of classes, compared once per executor rather than per row (this copy came over the
        // wire, so it is never the same object).
        List<String> given = classification.classes();
        if (given == checkedClasses || classes.equals(given)) {
            checkedClasses = given;
            return RowFactory.create(classification.probabilities().toArray());
        }
        return RowFactory.create(
                classes.stream().map(classification::probabilityOf).toArray());
    }

    /** @return the error column's value for a row left out */
    static Object[] errors(List<FieldError> errors) {
        Object[] rows = new Object[errors.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = RowFactory.create(errors.get(i).field(), errors.get(i).message());
        }
        return rows;
    }
}
