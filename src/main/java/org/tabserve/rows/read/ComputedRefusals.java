package org.tabserve.rows.read;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.rows.field.OnError;

/**
 * The rows a model refuses only once it has computed them (a row whose answer is not finite: nothing before the model
 * call can tell), read from its refusal of a batch, so that a batch read with {@link OnError#ROW} answers each such
 * row with its errors in its place and the others as usual, as it answers a row refused when it was read (issue 76: a
 * linear model's row at 3.4e38 refused the whole batch with 400).
 */
public final class ComputedRefusals {

    private ComputedRefusals() {}

    /**
     * @param e    what the model threw for a batch of {@code size} rows
     * @param size the batch's rows
     * @return the rows refused, by their index in the batch, each with its errors; null when {@code e} is not a
     *         refusal of some of the batch's rows by their index (the request's own failure, to be passed on)
     */
    public static Map<Integer, List<FieldError>> of(ModelException e, int size) {
        if (e.kind() != ModelException.Kind.INVALID_INPUT || e.fieldErrors().isEmpty()) {
            return null;
        }
        Map<Integer, List<FieldError>> refused = new TreeMap<>();
        for (FieldError error : e.fieldErrors()) {
            if (error.row() < 0 || error.row() >= size) {
                return null; // not this batch's rows (an explanation's mixed rows): the refusal is the request's
            }
            refused.computeIfAbsent(error.row(), r -> new ArrayList<>()).add(error);
        }
        return refused;
    }

    /**
     * Rows and what was made of them, once the rows the model refused when it computed them were left out.
     *
     * @param rows   the rows as scored: those given, less the refused, each refused in its place
     * @param scored what the model made of them
     */
    public record Scored<R, T>(R rows, T scored) {}

    /**
     * Scores a chunk; in row mode (its {@link RowChunk#places()} set), each row the model refuses once it computed it
     * is refused in its place and the rest scored again, until the model answers every row left (or none is left:
     * {@code none}). Outside row mode a refusal is the input's, and passed on.
     *
     * @param score the model's call on a batch, which may refuse some of its rows by their index
     */
    public static <T> Scored<RowChunk, T> score(RowChunk chunk, Function<Batch, T> score, T none) {
        while (chunk.size() > 0) {
            try {
                return new Scored<>(chunk, score.apply(chunk.batch()));
            } catch (ModelException e) {
                Map<Integer, List<FieldError>> refused = chunk.places() == null ? null : of(e, chunk.size());
                if (refused == null) {
                    throw e;
                }
                chunk = chunk.refusing(refused);
            }
        }
        return new Scored<>(chunk, none);
    }

    /** @return the indexes in {@code [0, size)} that are not refused, in order */
    static int[] kept(Map<Integer, List<FieldError>> refused, int size) {
        return java.util.stream.IntStream.range(0, size)
                .filter(r -> !refused.containsKey(r))
                .toArray();
    }
}
