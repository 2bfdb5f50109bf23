package org.tabserve.model.answer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.RangeWarning;

/**
 * The types and values of the answer fields that are structs ({@link AnswerField#type}, {@link AnswerField#value}):
 * an interval, a novelty, an explanation, a row's warnings and a refused row's problems, each member in the order
 * every JSON answer writes it.
 */
public final class FieldValues {

    /** A regressor's interval: its ends, its coverage, and {@code clipped} (only when true). */
    static final FieldType.Struct INTERVAL = new FieldType.Struct(List.of(
            FieldType.Member.of("lower", FieldType.NUMBER),
            FieldType.Member.of("upper", FieldType.NUMBER),
            FieldType.Member.of("coverage", FieldType.NUMBER),
            FieldType.Member.optional("clipped", FieldType.FLAG)));

    /** A row's novelty: its p-value and whether it is novel. */
    static final FieldType.Struct NOVELTY = new FieldType.Struct(
            List.of(FieldType.Member.of("p_value", FieldType.NUMBER), FieldType.Member.of("novel", FieldType.FLAG)));

    /** A row's explanation; a sampled one's standard errors, permutations and largest standard error too. */
    static final FieldType.Struct EXPLANATION = new FieldType.Struct(List.of(
            FieldType.Member.of("method", FieldType.TEXT),
            FieldType.Member.of("explained", FieldType.TEXT),
            FieldType.Member.optional("class", FieldType.TEXT),
            FieldType.Member.of("base_value", FieldType.NUMBER),
            FieldType.Member.of("output", FieldType.NUMBER),
            FieldType.Member.of("contributions", new FieldType.NamedNumbers(null)),
            FieldType.Member.optional("standard_errors", new FieldType.NamedNumbers(null)),
            FieldType.Member.of("background_rows", FieldType.WHOLE),
            FieldType.Member.optional("permutations", FieldType.WHOLE),
            FieldType.Member.optional("standard_error", FieldType.NUMBER)));

    /** A row's warnings: each names its feature. */
    static final FieldType.Records WARNING_RECORDS = new FieldType.Records(new FieldType.Struct(
            List.of(FieldType.Member.of("feature", FieldType.TEXT), FieldType.Member.of("message", FieldType.TEXT))));

    /** A refused row's problems: each names its field, and the row where it says it. */
    static final FieldType.Records PROBLEM_RECORDS = new FieldType.Records(new FieldType.Struct(List.of(
            FieldType.Member.of("field", FieldType.TEXT),
            FieldType.Member.of("message", FieldType.TEXT),
            FieldType.Member.optional("row", FieldType.WHOLE))));

    private FieldValues() {}

    /** @return a regressor's interval, or null for none */
    static FieldValue interval(Uncertainty uncertainty) {
        if (uncertainty == null || uncertainty.interval() == null) {
            return null;
        }
        Uncertainty.Interval interval = uncertainty.interval();
        return struct(
                INTERVAL,
                FieldValue.number(interval.lower()),
                FieldValue.number(interval.upper()),
                FieldValue.number(uncertainty.coverage()),
                interval.clipped() ? new FieldValue.Flag(true) : null);
    }

    /** @return a row's novelty, or null for none */
    static FieldValue novelty(Uncertainty uncertainty) {
        if (uncertainty == null || uncertainty.novelty() == null) {
            return null;
        }
        return struct(
                NOVELTY,
                FieldValue.number(uncertainty.novelty().pValue()),
                new FieldValue.Flag(uncertainty.novelty().novel()));
    }

    /** @return an explanation, or null for none */
    public static FieldValue explanation(Explanation explanation) {
        if (explanation == null) {
            return null;
        }
        boolean sampled = Explanation.PERMUTATION.equals(explanation.method());
        return struct(
                EXPLANATION,
                FieldValue.text(explanation.method()),
                FieldValue.text(explanation.explained()),
                FieldValue.text(explanation.explainedClass()),
                FieldValue.number(explanation.baseValue()),
                FieldValue.number(explanation.output()),
                named(explanation.contributions()),
                sampled ? named(explanation.standardErrors()) : null,
                new FieldValue.Number(explanation.backgroundRows()),
                sampled ? new FieldValue.Number(explanation.permutations()) : null,
                sampled ? FieldValue.number(explanation.maxStandardError()) : null);
    }

    /** @return a row's warnings, or null where they are not known */
    static FieldValue warnings(List<RangeWarning> warnings) {
        if (warnings == null) {
            return null;
        }
        List<FieldValue.Struct> records = new ArrayList<>(warnings.size());
        for (RangeWarning warning : warnings) {
            records.add(struct(
                    WARNING_RECORDS.of(), FieldValue.text(warning.feature()), FieldValue.text(warning.message())));
        }
        return new FieldValue.Records(records);
    }

    /** @return a refused row's problems */
    static FieldValue problems(List<AnsweredRow.Problem> problems) {
        List<FieldValue.Struct> records = new ArrayList<>(problems.size());
        for (AnsweredRow.Problem problem : problems) {
            records.add(struct(
                    PROBLEM_RECORDS.of(),
                    FieldValue.text(problem.field()),
                    FieldValue.text(problem.message()),
                    problem.row() == null ? null : new FieldValue.Number(problem.row())));
        }
        return new FieldValue.Records(records);
    }

    private static FieldValue.NamedNumbers named(Map<String, Double> numbers) {
        return new FieldValue.NamedNumbers(List.copyOf(numbers.keySet()), List.copyOf(numbers.values()));
    }

    /** @return {@code type}'s members with {@code values}, in order */
    private static FieldValue.Struct struct(FieldType.Struct type, FieldValue... values) {
        List<FieldValue.Member> members = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            members.add(new FieldValue.Member(type.members().get(i).name(), values[i]));
        }
        return new FieldValue.Struct(members);
    }
}
