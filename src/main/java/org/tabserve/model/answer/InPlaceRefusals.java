package org.tabserve.model.answer;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;

/**
 * Scores a chunk of rows whose bad rows are answered in their place, refusing in theirs the rows the model refuses
 * only once it has computed them (a row whose answer is not finite: nothing before the model call can tell;
 * {@link ModelException#refusedRows}), so that the others are answered as usual (issue 76: a linear model's row at
 * 3.4e38 refused the whole batch with 400).
 */
public final class InPlaceRefusals {

    private InPlaceRefusals() {}

    /**
     * Rows and what was made of them, once the rows the model refused when it computed them were left out.
     *
     * @param rows   the rows as scored: those given, less the refused, each refused in its place
     * @param scored what the model made of them
     */
    public record Scored<R, T>(R rows, T scored) {}

    /**
     * Scores a chunk; when it refuses rows in place ({@link ChunkRows#refusesInPlace()}), each row the model refuses
     * once it computed it is refused in its place and the rest scored again, until the model answers every row left
     * (or none is left: {@code none}). Otherwise a refusal is the input's, and passed on.
     *
     * @param score the model's call on a batch, which may refuse some of its rows by their index
     */
    public static <C extends ChunkRows<C>, T> Scored<C, T> score(C chunk, Function<Batch, T> score, T none) {
        while (chunk.hasRows()) {
            try {
                return new Scored<>(chunk, score.apply(chunk.batch()));
            } catch (ModelException e) {
                Map<Integer, List<FieldError>> refused = chunk.refusesInPlace() ? e.refusedRows(chunk.size()) : null;
                if (refused == null) {
                    throw e;
                }
                chunk = chunk.refusing(refused);
            }
        }
        return new Scored<>(chunk, none);
    }
}
