package org.tabserve.testing;

import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/** Rows answered each alone: a batch of one, which the plain engine computes when the model uses it. */
public final class SingleRows {

    private SingleRows() {}

    /** @return each row's answer from the model, the row predicted alone */
    public static List<Prediction> answers(Model model, List<Object[]> rows) {
        List<Prediction> answers = new ArrayList<>();
        for (Object[] row : rows) {
            answers.add(model.predict(Batch.of(model.signature(), List.<Object[]>of(row)))
                    .get(0));
        }
        return answers;
    }
}
