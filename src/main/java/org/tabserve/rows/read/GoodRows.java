package org.tabserve.rows.read;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.rows.field.OnError;

/**
 * The rows of a batch read with {@link OnError#ROW} that the model's own check takes, found one way for the CSV and
 * the JSON readers: the rows no reader found fault with are checked together; the rows that check refuses are left
 * out, each of its problems told to the caller, and the rest checked again until what is left passes.
 */
public final class GoodRows {

    /** Hears each problem the model's check finds, with the candidate row it belongs to. */
    public interface Refusals {
        void refused(int candidate, FieldError error);
    }

    /**
     * @param batch the checked batch of the rows kept; null when none is
     * @param kept  the candidates' indexes of the batch's rows, in order
     */
    public record Checked(Batch batch, int[] kept) {}

    private GoodRows() {}

    /**
     * @param candidates every row read, in order
     * @param faulty     which of them a reader already found fault with: never kept
     * @param tellFaulty whether the faulty rows are checked too, once, so that what else is wrong with them is told
     *                   (a CSV row's unreadable cell is read as missing); otherwise they are left out from the start
     * @param check      the model's check of some of the rows, in order: their batch, or a {@link ModelException}
     *                   of invalid input naming each problem by its row among those given
     * @param refusals   told each problem the check finds, by candidate
     */
    public static <R> Checked check(
            List<R> candidates,
            boolean[] faulty,
            boolean tellFaulty,
            Function<List<R>, Batch> check,
            Refusals refusals) {
        boolean[] out = tellFaulty ? new boolean[faulty.length] : faulty.clone();
        while (true) {
            int[] tried = kept(out);
            if (tried.length == 0) {
                return new Checked(null, tried);
            }
            Batch batch = null;
            try {
                batch = check.apply(pick(candidates, tried));
            } catch (ModelException e) {
                if (e.kind() != ModelException.Kind.INVALID_INPUT
                        || e.fieldErrors().isEmpty()) {
                    throw e;
                }
                for (FieldError error : e.fieldErrors()) {
                    int candidate = tried[error.row()];
                    out[candidate] = true;
                    refusals.refused(candidate, error);
                }
            }
            boolean faultyTried = false;
            for (int candidate : tried) {
                faultyTried |= faulty[candidate] && !out[candidate];
                out[candidate] |= faulty[candidate];
            }
            if (batch != null && !faultyTried) {
                return new Checked(batch, tried);
            }
        }
    }

    /**
     * Refusals that pass on only the problems of fields not already told for their row: a row a reader found fault
     * with is checked too ({@code tellFaulty}), its unreadable cells standing in as missing, and what the model says
     * of those is not said twice.
     *
     * @param told for each candidate, the fields its reader already named (null: none)
     */
    public static Refusals untold(List<? extends java.util.Set<String>> told, Refusals refusals) {
        return (candidate, error) -> {
            java.util.Set<String> fields = told.get(candidate);
            if (fields == null || !fields.contains(error.field())) {
                refusals.refused(candidate, error);
            }
        };
    }

    private static int[] kept(boolean[] out) {
        return java.util.stream.IntStream.range(0, out.length)
                .filter(c -> !out[c])
                .toArray();
    }

    /** The rows at {@code indexes}, in order (the list itself, copied, when every row is picked). */
    static <T> List<T> pick(List<T> rows, int[] indexes) {
        if (indexes.length == rows.size()) {
            return List.copyOf(rows);
        }
        List<T> picked = new ArrayList<>(indexes.length);
        for (int i : indexes) {
            picked.add(rows.get(i));
        }
        return picked;
    }
}
