package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.function.Executable;
import org.tabserve.rows.field.RowsException;

/**
 * What a caller is answered when a reader refuses its input, for tests of the web layer's readers: a refusal of the
 * rows layer becomes the problem the error renderer makes of it ({@link HttpProblem#of(RowsException)}), the web
 * layer's own stays as it is.
 */
public final class Problems {

    private Problems() {}

    /** Runs {@code call}, which must refuse its input, and returns the problem the caller is answered. */
    public static HttpProblem thrownBy(Executable call) {
        return of(assertThrows(RuntimeException.class, call));
    }

    /** {@link #thrownBy(Executable)}, saying {@code message} when {@code call} refuses nothing. */
    public static HttpProblem thrownBy(Executable call, String message) {
        return of(assertThrows(RuntimeException.class, call, message));
    }

    /** {@link #thrownBy(Executable)}, saying {@code message} when {@code call} refuses nothing. */
    public static HttpProblem thrownBy(Executable call, java.util.function.Supplier<String> message) {
        return of(assertThrows(RuntimeException.class, call, message));
    }

    /** The problem a caller is answered for a refusal; fails on any other exception. */
    public static HttpProblem of(RuntimeException thrown) {
        if (thrown instanceof HttpProblem problem) {
            return problem;
        }
        if (thrown instanceof RowsException refusal) {
            return HttpProblem.of(refusal);
        }
        return fail("expected a refusal, got " + thrown, thrown);
    }
}
