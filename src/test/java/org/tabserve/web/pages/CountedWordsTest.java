package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * Issue 66, item 6: a count on a page agrees with its noun and verb ("1 of the 3 rows has", not "1 of the rows
 * have"; "1 version", not "1 versions"), on the bundled bank-note model, whose training range of {@code variance}
 * ends near 7.
 */
class CountedWordsTest {

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    private static Document uploaded(String csv) {
        Http.Response response = http.upload("/predict_file?format=html", Multipart.csv(csv));
        assertEquals(200, response.status(), response::text);
        return response.html();
    }

    @Test
    void oneRowOutsideTheTrainingRangeIsOneRowThatHasThem() {
        Document page = uploaded("variance,skewness,curtosis,entropy\n"
                + "100,8.6661,-2.8073,-0.44699\n"
                + "3.6216,8.6661,-2.8073,-0.44699\n"
                + "4.5459,8.1674,-2.4586,-1.4621\n");
        assertEquals(
                "1 of the 3 rows has values outside the range the model saw in training; treat its answer with care.",
                page.getElementById("warned").text());
    }

    @Test
    void twoRowsOutsideTheTrainingRangeAreRowsThatHaveThem() {
        Document page = uploaded("variance,skewness,curtosis,entropy\n"
                + "100,8.6661,-2.8073,-0.44699\n"
                + "-100,8.6661,-2.8073,-0.44699\n"
                + "4.5459,8.1674,-2.4586,-1.4621\n");
        assertEquals(
                "2 of the 3 rows have values outside the range the model saw in training; treat their answers with"
                        + " care.",
                page.getElementById("warned").text());
    }

    @Test
    void theModelsPageOfOneModelCountsOneVersion() {
        Document page = http.get("/models").html();
        assertEquals("1 version", page.getElementById("models-shown").text());
    }
}
