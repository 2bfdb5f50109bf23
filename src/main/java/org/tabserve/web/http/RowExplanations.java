package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import org.tabserve.model.Batch;
import org.tabserve.model.Explainer;
import org.tabserve.model.Explanation;
import org.tabserve.rows.ExplainField;
import org.tabserve.rows.FieldProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a JSON prediction request asks for explanations ({@code "explain": true} in its body or
 * {@code ?explain=true}), and their computing when it does, so that a request that does not ask pays nothing and
 * one that cannot have them (no background sample in the card, too many rows) is told why, naming {@code explain}.
 */
public final class RowExplanations {

    /** The most rows one request may have explained: each costs up to 2^10 &times; the background's rows of model rows. */
    public static final int MAX_ROWS = 100;

    /** How to give a model a background sample, said when one without it is asked to explain. */
    static final String HOW_TO_ADD = "add one with the card command, which stores 100 rows of the training data"
            + " in the card: java -jar tabserve.war card --model MODEL.onnx --data LABELLED.csv --label COLUMN"
            + " --out OUT.onnx, then serve OUT.onnx";

    private RowExplanations() {
    }

    /**
     * @param inBody whether the body said {@code "explain": true}
     * @throws HttpProblem 400 naming {@code explain} for a query value other than true or false
     */
    public static boolean asked(HttpServletRequest request, boolean inBody) {
        String sent = RequestParameters.query(request, ExplainField.NAME);
        if (sent == null) {
            return inBody;
        }
        if (!sent.equals("true") && !sent.equals("false")) {
            throw refused("?explain= must be true or false, got '" + (sent.length() > 40 ? sent.substring(0, 40)
                    + "…" : sent) + "'");
        }
        return inBody || sent.equals("true");
    }

    /**
     * The explanation of each row of {@code rows}, in order.
     *
     * @throws HttpProblem 400 naming {@code explain} when the model's card has no background sample, or there are
     *                     more than {@link #MAX_ROWS} rows
     */
    public static List<Explanation> of(ResolvedModel model, Batch rows, MemoryBudget.Reservation held) {
        if (model.model().card().background() == null) {
            throw refused("model '" + model.name() + "' cannot explain its answers: its card has no background"
                    + " sample to measure contributions against; " + HOW_TO_ADD);
        }
        if (rows.size() > MAX_ROWS) {
            throw refused("explanations are given for at most " + MAX_ROWS + " rows in one request; this one has "
                    + rows.size() + ": send fewer rows, or leave explain out");
        }
        // One model call of mixed rows at a time: reserved before it is built, so that explanations wait or are
        // refused (503, 413) rather than run the heap out.
        held.grow(Explainer.heldBytes(model.model().signature()));
        Explainer explainer = new Explainer(model.model(), model.model().card().background());
        List<Explanation> explanations = new ArrayList<>(rows.size());
        for (int row = 0; row < rows.size(); row++) {
            explanations.add(explainer.explain(rows, row));
        }
        return explanations;
    }

    private static HttpProblem refused(String message) {
        return HttpProblem.invalidFields(List.of(new FieldProblem(ExplainField.NAME, message, null)));
    }
}
