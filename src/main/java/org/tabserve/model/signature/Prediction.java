package org.tabserve.model.signature;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The model's answer for one row: a class with the probability of every class, or a number. */
public sealed interface Prediction permits Prediction.Classification, Prediction.Regression {

    /**
     * @return this answer as a classifier's, for callers that know the model is a classifier
     * @throws IllegalStateException for a regressor's answer
     */
    default Classification classification() {
        if (this instanceof Classification classification) {
            return classification;
        }
        throw new IllegalStateException("a regressor's answer has no class: " + this);
    }

    /**
     * A classifier's answer.
     *
     * @param label         the predicted class label (the model's own label output where it has one)
     * @param classes       every class label, in the model's output order (shared with the signature)
     * @param probabilities the probability of each class, in the order of {@code classes}
     */
    record Classification(String label, List<String> classes, List<Double> probabilities) implements Prediction {

        public Classification {
            classes = List.copyOf(classes);
            probabilities = List.copyOf(probabilities);
            if (classes.size() != probabilities.size()) {
                throw new IllegalArgumentException(
                        classes.size() + " classes but " + probabilities.size() + " probabilities");
            }
        }

        /**
         * @param classLabel one of {@link #classes()}
         * @return that class's probability
         * @throws IllegalArgumentException for a label the model does not have
         */
        public double probabilityOf(String classLabel) {
            int index = classes.indexOf(classLabel);
            if (index < 0) {
                throw new IllegalArgumentException("unknown class " + classLabel + "; classes are " + classes);
            }
            return probabilities.get(index);
        }

        /** @return class label to probability, in the model's class order */
        public Map<String, Double> probabilityByClass() {
            Map<String, Double> byClass = new LinkedHashMap<>();
            for (int i = 0; i < classes.size(); i++) {
                byClass.put(classes.get(i), probabilities.get(i));
            }
            return byClass;
        }
    }

    /**
     * A regressor's answer.
     *
     * @param value the predicted number
     */
    record Regression(double value) implements Prediction {}
}
