package org.tabserve.serving.explanations;

import org.tabserve.model.explain.Explainer;
import org.tabserve.model.signature.CallHeap;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.ServingException;

/**
 * How one request's explanations go to the model, known before any of their work runs, so that the memory budget can
 * be reserved for all of it at once: model calls of at most {@link #rowsPerCall} rows (each row
 * {@link Explainer#callBytesPerRow} bytes, and {@link CallHeap#PER_CALL} a call), beside what the explanations themselves hold ({@link Explainer#heldBytes}). A call is as large as the work
 * needs, at most {@link Explainer#MAX_ROWS_PER_CALL} rows and {@link #BUDGET_SHARE a share} of the budget, and never
 * less than one row: so that one row of any model that loads can be explained, and only a request whose own
 * explanations cannot fit the budget is refused, in words naming {@code explain}.
 *
 * @param rowsPerCall the most rows in one of the explanations' model calls
 * @param bytes       what to reserve for the whole request's explanations: one call's rows and the explanations
 */
record ExplanationChunks(int rowsPerCall, long bytes) {

    /**
     * The share of the budget one request's model calls may hold at once (1/32: 1.4 MB at {@code -Xmx128m}, some
     * 1,000 rows of a 69-input, 28-class model explained by coalitions): the explanation threads and their queue (17 requests by default on two
     * CPUs) hold at most half the budget between them, and a call is still hundreds of rows, whose fixed cost is
     * small beside its rows'.
     */
    static final int BUDGET_SHARE = 32;

    /**
     * @param rows     the rows to explain
     * @param capacity the budget's capacity, {@link MemoryBudget#capacity()}
     * @param model    the model's name, for the refusal
     * @throws ServingException {@link ServingException.Kind#TOO_LARGE}, naming {@code explain}, when the rows'
     *                          explanations and a call of one row need more than the whole budget
     */
    static ExplanationChunks of(Explainer explainer, ModelSignature signature, int rows, long capacity, String model) {
        long perRow = explainer.callBytesPerRow(signature);
        long held = explainer.heldBytes(signature, rows) + CallHeap.PER_CALL;
        if (held + perRow > capacity) {
            String need = "explaining " + rows + " row(s) of model '" + model + "' holds about " + mb(held + perRow)
                    + " MB (" + mb(explainer.heldBytes(signature, 1) + CallHeap.PER_CALL + perRow) + " MB for one row)";
            throw ServingException.tooLarge(
                    need + ", more than this server gives one request (" + mb(capacity)
                            + " MB); send fewer rows, or leave explain out; " + MemoryBudget.RAISED_BY,
                    new FieldProblem(ExplainField.NAME, need + "; one request may hold " + mb(capacity) + " MB", null));
        }
        long room = Math.min(capacity / BUDGET_SHARE, capacity - held);
        long calls = Math.min(
                Math.min(Explainer.MAX_ROWS_PER_CALL, explainer.rowsToCall(signature)), Math.max(1, room / perRow));
        return new ExplanationChunks((int) calls, held + calls * perRow);
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024));
    }
}
