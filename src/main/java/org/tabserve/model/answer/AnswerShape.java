package org.tabserve.model.answer;

import java.util.List;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Task;

/**
 * What one answer's rows carry, known before any row is scored: the model's task and classes, and what the request
 * asked for beside the predictions. {@link AnswerField#present} reads it.
 *
 * @param classes   a classifier's class labels in output order, or null for a regressor
 * @param explained whether each row carries its explanation
 * @param covered   whether each row carries how sure it is (a coverage was asked for)
 * @param novelty   whether each covered row also says how novel it is (the card can tell)
 */
public record AnswerShape(List<String> classes, boolean explained, boolean covered, boolean novelty) {

    public AnswerShape {
        classes = classes == null ? null : List.copyOf(classes);
        novelty = covered && novelty;
    }

    /**
     * @param signature the model's signature: a regression's answers have no classes, a classifier's its labels
     * @return the shape of an answer of that model, with what the request asked for
     */
    public static AnswerShape of(ModelSignature signature, boolean explained, boolean covered, boolean novelty) {
        return new AnswerShape(
                signature.task() == Task.REGRESSION ? null : signature.classLabels(), explained, covered, novelty);
    }

    /** @return whether the model is a classifier */
    public boolean classifies() {
        return classes != null;
    }
}
