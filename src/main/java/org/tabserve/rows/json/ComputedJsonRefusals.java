package org.tabserve.rows.json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.tabserve.model.answer.ChunkRows;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;
import org.tabserve.rows.field.FieldProblem;

/**
 * A JSON batch read with {@code ?on_error=row} after the model refused some of its rows once it computed them
 * ({@link org.tabserve.model.signature.ModelException#refusedRows}): those rows left out of the batch, each with its
 * errors in its place.
 */
public final class ComputedJsonRefusals {

    private ComputedJsonRefusals() {}

    /**
     * A request's rows as handed over to be scored (by the model's answer package, {@code InPlaceRefusals}): in row mode ({@code rowMode}, a
     * batch), each row the model refuses once it computed it is refused in its place and the rest scored again, until
     * the model answers every row left. Otherwise a refusal is the request's, and passed on.
     *
     * @param parsed  the request's rows, with their problems
     * @param rowMode whether bad rows are answered in their place ({@code ?on_error=row})
     */
    public record Chunk(JsonRowsParser.ParsedRows parsed, boolean rowMode) implements ChunkRows<Chunk> {

        @Override
        public Batch batch() {
            return parsed.rows();
        }

        @Override
        public int size() {
            return parsed.rows() == null ? 0 : parsed.rows().size();
        }

        /** @return whether the request has rows left to score (a batch of none is still scored) */
        @Override
        public boolean hasRows() {
            return parsed.rows() != null;
        }

        @Override
        public boolean refusesInPlace() {
            return rowMode && parsed.batch();
        }

        @Override
        public Chunk refusing(Map<Integer, List<FieldError>> refused) {
            return new Chunk(ComputedJsonRefusals.refusing(parsed, refused), rowMode);
        }
    }

    /**
     * @param parsed  a batch's rows, read in row mode
     * @param refused rows of {@code parsed.rows()} by their index in it, with their errors
     * @return the same request with those rows refused, told in the request's rows among its problems; its rows null
     *         when none is left
     */
    public static JsonRowsParser.ParsedRows refusing(
            JsonRowsParser.ParsedRows parsed, Map<Integer, List<FieldError>> refused) {
        int[] kept = IntStream.range(0, parsed.rows().size())
                .filter(r -> !refused.containsKey(r))
                .toArray();
        int[] keptSent = new int[kept.length];
        for (int i = 0; i < kept.length; i++) {
            keptSent[i] = parsed.sentRow(kept[i]);
        }
        List<FieldProblem> problems = new ArrayList<>(parsed.problems());
        refused.forEach((row, errors) -> errors.forEach(
                error -> problems.add(new FieldProblem(error.field(), error.message(), parsed.sentRow(row)))));
        problems.sort(Comparator.comparing(FieldProblem::row, Comparator.nullsFirst(Integer::compare)));
        return new JsonRowsParser.ParsedRows(
                parsed.cells(),
                parsed.numbers(),
                kept.length == 0 ? null : parsed.rows().rows(kept),
                parsed.batch(),
                keptSent,
                List.copyOf(problems),
                parsed.ignored(),
                parsed.numbersAsText(),
                parsed.explain(),
                parsed.coverage());
    }
}
