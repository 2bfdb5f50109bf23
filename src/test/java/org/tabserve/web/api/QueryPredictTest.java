package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tabserve.testing.BankNotes.assertWellFormed;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;

/** {@code /predict}, the original Flask apps' route (a query, a JSON body, a form), over real HTTP. */
class QueryPredictTest {

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    /** The genuine row's query with one parameter's value replaced (already URL-encoded). */
    private static String genuineWith(String field, String encodedValue) {
        String query = BankNotes.genuine().query();
        String current = field + "=" + BankNotes.genuine().text().get(field);
        return "/predict?" + query.replace(current, field + "=" + encodedValue);
    }

    private static void assertRejectsNaming(String pathAndQuery, String field) {
        assertEquals(List.of(field), http.get(pathAndQuery).errorFields(400), pathAndQuery);
    }

    @Test
    void answersExactlyWhatPostApiPredictAnswersForTheSameValues() {
        for (BankNotes.Note note : List.of(BankNotes.genuine(), BankNotes.forged())) {
            JsonNode byQuery = http.get("/predict?" + note.query()).json();
            JsonNode byPost =
                    http.postJson("/api/predict", note.json().toString()).json();
            assertWellFormed(byQuery);
            assertEquals(byPost, byQuery, note.query());
            assertEquals(note.label(), byQuery.get("label").asText());
        }
    }

    @Test
    void predictsTheGenuineRowAsGenuineAndTheForgedRowAsForged() {
        assertEquals(
                "genuine",
                http.get("/predict?" + BankNotes.genuine().query())
                        .json()
                        .get("display_name")
                        .asText());
        assertEquals(
                "forged",
                http.get("/predict?" + BankNotes.forged().query())
                        .json()
                        .get("display_name")
                        .asText());
    }

    @Test
    void rejectsANonNumericValueNamingTheField() {
        assertRejectsNaming(genuineWith("variance", "abc"), "variance");
    }

    @Test
    void rejectsNaNNamingTheField() {
        assertRejectsNaming(genuineWith("skewness", "NaN"), "skewness");
    }

    @Test
    void rejectsInfinityNamingTheField() {
        assertRejectsNaming(genuineWith("curtosis", "Infinity"), "curtosis");
        assertRejectsNaming(genuineWith("curtosis", "-Infinity"), "curtosis");
    }

    @Test
    void rejectsAHexadecimalNumberNamingTheField() {
        assertRejectsNaming(genuineWith("entropy", "0x1p3"), "entropy");
    }

    @Test
    void rejectsANumberBeyondRangeNamingTheField() {
        assertRejectsNaming(genuineWith("variance", "1e400"), "variance");
        assertRejectsNaming(genuineWith("variance", "1e300"), "variance");
    }

    @Test
    void rejectsAnEmptyValueNamingTheField() {
        assertRejectsNaming(genuineWith("variance", ""), "variance");
    }

    @Test
    void rejectsAMissingParameterNamingIt() {
        String query = BankNotes.genuine()
                .query()
                .replace("entropy=" + BankNotes.genuine().text().get("entropy"), "");
        assertRejectsNaming("/predict?" + query, "entropy");
    }

    @Test
    void listsEveryMissingParameterWhenThereAreNone() {
        assertEquals(
                List.of("curtosis", "entropy", "skewness", "variance"),
                http.get("/predict").errorFields(400).stream().sorted().toList());
    }

    @Test
    void ignoresAParameterTheModelDoesNotTakeAndSaysSo() {
        JsonNode answer = http.get("/predict?" + BankNotes.genuine().query() + "&colour=1")
                .json();
        assertEquals(BankNotes.genuine().label(), answer.path("label").asText());
        assertEquals("colour", answer.path("warnings").get(0).path("feature").asText(), answer.toString());
    }

    @Test
    void rejectsARepeatedParameterNamingIt() {
        assertRejectsNaming("/predict?" + BankNotes.genuine().query() + "&skewness=1.5", "skewness");
    }

    /** The tutorials' admission client posts its fields as JSON to /predict; it gets what /api/predict answers. */
    @Test
    void postWithAJsonBodyAnswersExactlyWhatPostApiPredictAnswers() {
        for (BankNotes.Note note : List.of(BankNotes.genuine(), BankNotes.forged())) {
            JsonNode byPredict =
                    http.postJson("/predict", note.json().toString()).json();
            assertEquals(http.postJson("/api/predict", note.json().toString()).json(), byPredict);
            assertEquals(note.label(), byPredict.get("label").asText());
        }
        String batch = "{\"instances\": [" + BankNotes.genuine().json() + ", "
                + BankNotes.forged().json() + "]}";
        assertEquals(
                http.postJson("/api/predict", batch).json(),
                http.postJson("/predict", batch).json());
        assertEquals(
                List.of("variance"),
                http.postJson(
                                "/predict",
                                BankNotes.genuine()
                                        .json()
                                        .put("variance", "high")
                                        .toString())
                        .errorFields(400));
    }

    @Test
    void postWithAUrlEncodedFormReadsItAsTheQueryIsRead() {
        Http.Response response = http.post(
                "/predict",
                "application/x-www-form-urlencoded",
                BankNotes.genuine().query().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(http.get("/predict?" + BankNotes.genuine().query()).json(), response.json());
    }

    @Test
    void postWithAnotherContentTypeIs415AndOtherMethodsAre405() {
        http.post("/predict", "text/plain", "variance=1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .problem(415);
        Http.Response put = http.send("PUT", "/predict", java.net.http.HttpRequest.BodyPublishers.noBody());
        put.problem(405);
        assertEquals("GET, HEAD, OPTIONS, POST", put.header("Allow").orElse(""));
    }

    @Test
    void rejectsAQueryThatIsNotValidUtf8With400() {
        http.get(genuineWith("variance", "%FF")).problem(400);
    }
}
