package org.tabserve.rows.field;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A refusal told on one line, as the command line prints it: the problems themselves, not a list to look at. */
class RowsExceptionTest {

    private static List<FieldProblem> problems(int count) {
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            problems.add(new FieldProblem("f" + i, "missing value for 'f" + i + "'", i));
        }
        return problems;
    }

    @Test
    void oneLineSpellsOutTheFirstProblemsAndCountsTheRest() {
        assertEquals(
                "row 1: missing value for 'f1'",
                RowsException.invalidFields(problems(1)).oneLine());
        assertEquals(
                "2 fields are invalid: row 1: missing value for 'f1'; row 2: missing value for 'f2'",
                RowsException.invalidFields(problems(2)).oneLine());
        assertEquals(
                "5 fields are invalid: row 1: missing value for 'f1'; row 2: missing value for 'f2'; row 3:"
                        + " missing value for 'f3'; and 2 more",
                RowsException.invalidFields(problems(5)).oneLine());
        assertEquals(
                "140 invalid value(s) in the CSV: row 1: missing value for 'f1'; row 2: missing value for 'f2';"
                        + " row 3: missing value for 'f3'; and 97 more",
                RowsException.invalidFields("140 invalid value(s) in the CSV; the first 100 are listed", problems(100))
                        .oneLine());
        assertEquals(
                "the body is empty",
                RowsException.malformed("the body is empty").oneLine());
    }
}
