package org.tabserve.rows.json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelException;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.read.ComputedRefusals;

/**
 * A JSON batch read with {@code ?on_error=row} after the model refused some of its rows once it computed them
 * ({@link ComputedRefusals}): those rows left out of the batch, each with its errors in its place.
 */
public final class ComputedJsonRefusals {

    private ComputedJsonRefusals() {}

    /**
     * Scores the request's rows ({@code none} when it has none); in row mode ({@code rowMode}, a batch), each row the
     * model refuses once it computed it is refused in its place and the rest scored again, until the model answers
     * every row left. Otherwise a refusal is the request's, and passed on.
     *
     * @param score the model's call on the rows, which may refuse some of them by their index
     */
    public static <T> ComputedRefusals.Scored<JsonRowsParser.ParsedRows, T> score(
            JsonRowsParser.ParsedRows parsed, boolean rowMode, Function<Batch, T> score, T none) {
        while (parsed.rows() != null) {
            try {
                return new ComputedRefusals.Scored<>(parsed, score.apply(parsed.rows()));
            } catch (ModelException e) {
                Map<Integer, List<FieldError>> refused = rowMode && parsed.batch()
                        ? ComputedRefusals.of(e, parsed.rows().size())
                        : null;
                if (refused == null) {
                    throw e;
                }
                parsed = refusing(parsed, refused);
            }
        }
        return new ComputedRefusals.Scored<>(parsed, none);
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
