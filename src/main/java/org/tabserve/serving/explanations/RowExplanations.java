package org.tabserve.serving.explanations;

import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.answer.ClientWatch;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.Batch;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.monitor.TabserveMetrics;

/**
 * The explanations of a request's rows, computed when it asks for them, so that one that cannot have them (no
 * background sample in the card, too many rows, more model rows than {@link ExplanationLimits#maxModelRows}) is told
 * why before any work starts, naming {@code explain}. All the memory the work holds is reserved from the budget before
 * it is queued and before the answer's first byte, its model calls chunked to fit ({@link ExplanationChunks}), so
 * that an answer under way never runs out of room. The work runs
 * on the {@link ExplanationPool}'s threads and stops when the client goes. Each served version's explainer is kept
 * ({@link ModelExplainers}), so that its background's answers are computed on its first explained row only; the
 * repository's owner {@linkplain #forget forgets} a version when it is unloaded or reloaded.
 */
public final class RowExplanations implements AutoCloseable {

    /** The most rows one request may have explained: each costs up to (2^10 &minus; 2) &times; the background's rows of model rows. */
    public static final int MAX_ROWS = 100;

    /** How to give a model a background sample, said when one without it is asked to explain. */
    static final String HOW_TO_ADD = "add one with the card command, which stores 100 rows of the training data"
            + " in the card: java -jar tabserve.war card --model MODEL.onnx --data LABELLED.csv --label COLUMN"
            + " --out OUT.onnx, then serve OUT.onnx";

    private final long maxModelRows;
    private final ModelExplainers explainers;
    private final ExplanationPool pool;
    private final TabserveMetrics metrics;
    private final MemoryBudget budget;

    /**
     * @param limits the explanations' bounds
     * @param budget the memory budget that each request's explanations reserve from, before they are queued
     */
    public RowExplanations(ExplanationLimits limits, TabserveMetrics metrics, MemoryBudget budget) {
        this.budget = budget;
        this.maxModelRows = limits.maxModelRows();
        this.explainers = new ModelExplainers(limits.structural());
        this.pool = new ExplanationPool(limits, metrics);
        this.metrics = metrics;
    }

    /**
     * The explanation of each row of {@code rows}, in order, computed on the explanation threads while the request's
     * thread watches its client. Called by the scoring entry point alone ({@code org.tabserve.serving}), which
     * ArchitectureTest holds.
     *
     * @param name    the request's model's name
     * @param version the version it leased
     * @param model   that version's model, leased by the request
     * @param watch   how the waiting request notices that its client has gone
     * @throws ServingException naming {@code explain}: {@link ServingException.Kind#INVALID_FIELDS} when the
     *                          model's card has no background sample, or there are more than {@link #MAX_ROWS} rows;
     *                          {@link ServingException.Kind#TOO_LARGE}, naming {@link ExplanationLimits#MAX_MODEL_ROWS},
     *                          when they would take more model rows, or when their explanations alone would hold
     *                          more than the memory budget ({@link ExplanationChunks});
     *                          {@link ServingException.Kind#BUSY} when the explanation threads are busy
     *                          ({@link ExplanationPool}) or the budget has no room for them in time;
     *                          {@link ServingException.Kind#CLIENT_GONE} when the client went and the work stopped
     */
    public List<Explanation> of(String name, long version, Model model, Batch rows, ClientWatch watch) {
        if (model.card().background() == null) {
            throw refused("model '" + name + "' cannot explain its answers: its card has no background"
                    + " sample to measure contributions against; " + HOW_TO_ADD);
        }
        if (rows.size() > MAX_ROWS) {
            throw refused("explanations are given for at most " + MAX_ROWS + " rows in one request; this one has "
                    + rows.size() + ": send fewer rows, or leave explain out");
        }
        Explainer explainer = explainers.of(name, version, model);
        long modelRows = explainer.modelRows(rows.signature(), rows.size());
        if (modelRows > maxModelRows) {
            metrics.explanation("over_limit");
            throw ServingException.tooLarge(
                    "explaining " + rows.size() + " row(s) of model '" + name
                            + "' evaluates " + modelRows + " model rows (each row: " + explainer.work(rows.signature())
                            + "), more than the " + maxModelRows
                            + " one request may have evaluated; send fewer rows, or"
                            + " leave explain out",
                    new FieldProblem(
                            ExplainField.NAME,
                            "explanations of " + rows.size() + " row(s) need " + modelRows + " model rows; the limit ("
                                    + ExplanationLimits.MAX_MODEL_ROWS + ") is " + maxModelRows,
                            null),
                    ExplanationLimits.MAX_MODEL_ROWS);
        }
        // Every byte the work holds is reserved here, before it waits for a thread and before the answer's first
        // byte (AnswerKeepAlive commits a 200 once the wait passes a second): a request refused for room is a whole
        // 503 or 413, and one that runs never needs more. Its model calls are chunked to what was reserved.
        ExplanationChunks chunks;
        try (MemoryBudget.Reservation held = budget.open()) {
            try {
                chunks = ExplanationChunks.of(explainer, rows.signature(), rows.size(), budget.capacity(), name);
                held.grow(chunks.bytes());
            } catch (ServingException noRoom) {
                metrics.explanation("failed");
                throw noRoom;
            }
            return pool.run(
                    name,
                    meter -> {
                        List<Explanation> explanations = new ArrayList<>(rows.size());
                        for (int row = 0; row < rows.size(); row++) {
                            explanations.add(explainer.explain(rows, row, meter, chunks.rowsPerCall()));
                        }
                        return explanations;
                    },
                    watch);
        }
    }

    /**
     * Drops the kept explainer of a version that was unloaded, or reloaded from a changed file, so that it holds
     * neither the old model nor its background's answers.
     */
    public void forget(String name, long version) {
        explainers.forget(name, version);
    }

    /** Stops the explanation threads. */
    @Override
    public void close() {
        pool.close();
    }

    private static ServingException refused(String message) {
        return ServingException.invalidField(ExplainField.NAME, message);
    }
}
