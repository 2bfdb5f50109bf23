package org.tabserve.web.http.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.web.http.HttpProblem;

/**
 * The query parameters of a JSON prediction read from its query string read once ({@code getQueryString()}, which
 * walks the container's request wrappers at every call): the same values and the same 400s naming the parameter as the
 * readings from the request, for {@code on_error}, {@code explain} and {@code coverage}.
 */
class QueryStringReadOnceTest {

    private static List<String> fields(HttpProblem problem) {
        return problem.errors().stream().map(FieldProblem::field).toList();
    }

    @Test
    void noQueryStringAsksForNothingAndLeavesTheBodysChoice() {
        assertNull(RequestParameters.query((String) null, "explain"));
        assertEquals(OnError.REJECT, RequestParameters.onError((String) null));
        assertFalse(AskedFields.explain((String) null, false));
        assertTrue(AskedFields.explain((String) null, true), "the body's \"explain\": true stands");
        assertEquals(0.9, AskedFields.coverage((String) null, 0.9));
        assertNull(AskedFields.coverage((String) null, null));
    }

    @Test
    void eachParameterIsFoundAmongTheOthersDecoded() {
        String query = "on_error=row&explain=true&coverage=0.95&other=%20x";
        assertEquals(OnError.ROW, RequestParameters.onError(query));
        assertTrue(AskedFields.explain(query, false));
        assertEquals(0.95, AskedFields.coverage(query, null));
        assertEquals(" x", RequestParameters.query(query, "other"));
        assertEquals("", RequestParameters.query("explain", "explain"), "a name without = is given empty");
        assertFalse(AskedFields.explain("explain=false", false));
    }

    @Test
    void aBadOrRepeatedValueIsA400NamingItsParameter() {
        assertEquals(
                List.of("explain"),
                fields(assertThrows(HttpProblem.class, () -> AskedFields.explain("explain=yes", false))));
        assertEquals(
                List.of("explain"),
                fields(assertThrows(
                        HttpProblem.class, () -> AskedFields.explain("explain=true&explain=false", false))));
        assertEquals(
                List.of("coverage"),
                fields(assertThrows(HttpProblem.class, () -> AskedFields.coverage("coverage=2", null))));
        HttpProblem onError = assertThrows(HttpProblem.class, () -> RequestParameters.onError("on_error=x"));
        assertEquals(400, onError.status());
        assertTrue(onError.detail().contains("on_error"), onError.detail());
        assertEquals(
                400,
                assertThrows(HttpProblem.class, () -> RequestParameters.query("explain=%zz", "explain"))
                        .status());
    }
}
