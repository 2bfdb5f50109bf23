package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.ModelDirectory.NOTE;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tabserve.testing.Http;

/**
 * Issue 47, item 14: a query parameter given twice ({@code ?coverage=0.9&coverage=0.95}) silently took the last
 * value; now every query parameter a route reads (coverage, explain, on_error, format) is a 400 naming it.
 */
class RepeatedQueryParametersTest {

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    @ParameterizedTest
    @CsvSource({
        "coverage, coverage=0.9&coverage=0.95",
        "explain, explain=false&explain=true",
        "on_error, on_error=row&on_error=reject",
        "coverage, coverage=0.9&explain=false&coverage=0.9"
    })
    void aParameterGivenTwiceIsA400NamingIt(String parameter, String query) {
        Http.Response refused = http.postJson("/api/predict?" + query, NOTE);
        assertRepeated(refused, parameter);
    }

    @ParameterizedTest
    @CsvSource({"format, format=csv&format=json", "on_error, on_error=row&on_error=row"})
    void aFileRouteParameterGivenTwiceIsA400NamingIt(String parameter, String query) {
        Http.Response refused = http.upload(
                "/predict_file?" + query,
                org.tabserve.testing.Multipart.csv("variance,skewness,curtosis,entropy\n1,2,3,4\n"));
        assertRepeated(refused, parameter);
    }

    @org.junit.jupiter.api.Test
    void theSameParameterOnceIsServed() {
        assertEquals(200, http.postJson("/api/predict?explain=false", NOTE).status());
    }

    private static void assertRepeated(Http.Response refused, String parameter) {
        JsonNode problem = refused.problem(400);
        JsonNode error = problem.get("errors").get(0);
        assertEquals(parameter, error.get("field").asText(), problem.toString());
        assertTrue(error.get("message").asText().contains("given 2 times"), problem.toString());
    }
}
