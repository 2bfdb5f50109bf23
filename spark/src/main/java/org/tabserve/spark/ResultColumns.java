package org.tabserve.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.tabserve.model.Explanation;
import org.tabserve.model.FieldError;
import org.tabserve.model.Prediction;
import org.tabserve.model.Uncertainty;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The columns a scored row gets, named as the server's JSON answer names its keys: the answer (a struct of
 * {@code label} and {@code probabilities} for a classifier, {@code value} for a regressor, and with a coverage
 * {@code prediction_set} or {@code interval}, and {@code novelty}), and the row's errors (null for a scored row).
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
        StructType type = classifier
                ? new StructType().add("label", DataTypes.StringType).add("probabilities", probabilitiesType())
                : new StructType().add("value", DataTypes.DoubleType);
        if (covered) {
            type = classifier
                    ? type.add("prediction_set", DataTypes.createArrayType(DataTypes.StringType))
                    : type.add("interval", INTERVAL);
            type = type.add("novelty", NOVELTY);
        }
        return explained ? type.add("explanation", EXPLANATION) : type;
    }

    /** @return {@code schema} with the answer and error columns after its own */
    StructType schema(StructType schema, String answerColumn, String errorColumn) {
        for (String name : List.of(answerColumn, errorColumn)) {
            if (List.of(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("the input already has a column '" + name
                        + "'; name the output another way (setOutputCol, setErrorCol)");
            }
        }
        return schema.add(new StructField(answerColumn, answerType(), true, Metadata.empty()))
                .add(errorColumn, ERRORS, true);
    }

    /** @return the answer column's value for a scored row */
    Object[] answer(Prediction prediction, Uncertainty uncertainty, Explanation explanation) {
        List<Object> values = new ArrayList<>(6);
        if (prediction instanceof Prediction.Classification classification) {
            values.add(classification.label());
            values.add(probabilities(classification));
        } else {
            values.add(((Prediction.Regression) prediction).value());
        }
        if (covered) {
            values.add(
                    uncertainty.interval() != null
                            ? RowFactory.create(
                                    uncertainty.interval().lower(),
                                    uncertainty.interval().upper())
                            : uncertainty.predictionSet().toArray(new String[0]));
            values.add(
                    uncertainty.novelty() == null
                            ? null
                            : RowFactory.create(
                                    uncertainty.novelty().pValue(),
                                    uncertainty.novelty().novel()));
        }
        if (explained) {
            values.add(RowFactory.create(
                    explanation.method(),
                    explanation.explained(),
                    explanation.explainedClass(),
                    explanation.baseValue(),
                    explanation.output(),
                    CollectionConverters.asScala(explanation.contributions())));
        }
        return values.toArray();
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
