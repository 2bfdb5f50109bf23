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
 * one that cannot have them (no background sample in the card, too many rows, more model rows than
 * {@link WebConfig#MAX_EXPLAIN_MODEL_ROWS}) is told why before any work starts, naming {@code explain}. The work runs
 * on the {@link ExplanationPool}'s threads and stops when the client goes.
 */
public final class RowExplanations implements AutoCloseable {

    /** The most rows one request may have explained: each costs up to 2^10 &times; the background's rows of model rows. */
    public static final int MAX_ROWS = 100;

    /** How to give a model a background sample, said when one without it is asked to explain. */
    static final String HOW_TO_ADD = "add one with the card command, which stores 100 rows of the training data"
            + " in the card: java -jar tabserve.war card --model MODEL.onnx --data LABELLED.csv --label COLUMN"
            + " --out OUT.onnx, then serve OUT.onnx";

    private final long maxModelRows;
    private final ExplanationPool pool;
    private final TabserveMetrics metrics;
    private final MemoryBudget budget;

    /**
     * @param config the explanations' bounds ({@link WebConfig#explanations()})
     * @param budget the memory budget that each running explanation's model calls reserve from
     */
    public RowExplanations(WebConfig config, TabserveMetrics metrics, MemoryBudget budget) {
        this.budget = budget;
        this.maxModelRows = config.explanations().maxModelRows();
        this.pool = new ExplanationPool(config.explanations(), metrics);
        this.metrics = metrics;
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
     * Refuses {@code ?explain=true} on a route whose answers carry no explanations, read by the one rule of
     * {@link #asked} (so that {@code ?explain=yes} is the same 400 there as anywhere).
     *
     * @param why what the 400 naming {@code explain} says: why, and what to send instead
     */
    public static void refuseAsked(HttpServletRequest request, String why) {
        if (asked(request, false)) {
            throw refused(why);
        }
    }

    /**
     * The explanation of each row of {@code rows}, in order, computed on the explanation threads while the request's
     * thread watches its client.
     *
     * @param watch how the waiting request notices that its client has gone
     * @throws HttpProblem 400 naming {@code explain} when the model's card has no background sample, or there are
     *                     more than {@link #MAX_ROWS} rows; 413 naming {@code explain} and
     *                     {@link WebConfig#MAX_EXPLAIN_MODEL_ROWS} when they would take more model rows; 503 when the
     *                     explanation threads are busy ({@link ExplanationPool}); {@link HttpProblem#clientGone} when
     *                     the client went and the work stopped
     */
    public List<Explanation> of(ResolvedModel model, Batch rows, ClientWatch watch) {
        if (model.model().card().background() == null) {
            throw refused("model '" + model.name() + "' cannot explain its answers: its card has no background"
                    + " sample to measure contributions against; " + HOW_TO_ADD);
        }
        if (rows.size() > MAX_ROWS) {
            throw refused("explanations are given for at most " + MAX_ROWS + " rows in one request; this one has "
                    + rows.size() + ": send fewer rows, or leave explain out");
        }
        Explainer explainer = new Explainer(model.model(), model.model().card().background());
        long modelRows = explainer.modelRowsPerRow(rows.signature()) * rows.size();
        if (modelRows > maxModelRows) {
            metrics.explanation("over_limit");
            throw new HttpProblem(413, "Content too large", "explaining " + rows.size() + " row(s) of model '"
                    + model.name() + "' evaluates " + modelRows + " model rows, more than the " + maxModelRows
                    + " one request may have evaluated; send fewer rows, or leave explain out; "
                    + WebConfig.raisedBy(WebConfig.MAX_EXPLAIN_MODEL_ROWS),
                    List.of(new FieldProblem(ExplainField.NAME, "explanations of " + rows.size() + " row(s) need "
                            + modelRows + " model rows; the limit (" + WebConfig.MAX_EXPLAIN_MODEL_ROWS + ") is "
                            + maxModelRows, null)), java.util.Map.of());
        }
        return pool.run(meter -> {
            // One model call of mixed rows at a time, reserved by the thread that makes them once it starts, so that
            // explanations waiting for a thread hold none, and those running wait or are refused (503, 413) rather
            // than run the heap out.
            try (MemoryBudget.Reservation calls = budget.open()) {
                calls.grow(Explainer.heldBytes(model.model().signature()));
                List<Explanation> explanations = new ArrayList<>(rows.size());
                for (int row = 0; row < rows.size(); row++) {
                    explanations.add(explainer.explain(rows, row, meter));
                }
                return explanations;
            }
        }, watch);
    }

    /** Stops the explanation threads. */
    @Override
    public void close() {
        pool.close();
    }

    private static HttpProblem refused(String message) {
        return HttpProblem.invalidFields(List.of(new FieldProblem(ExplainField.NAME, message, null)));
    }
}
