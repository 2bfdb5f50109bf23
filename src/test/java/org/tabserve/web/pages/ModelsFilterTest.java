package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Issue 51, item 7: the models page's filter without script, as a query ({@code ?name=&state=&trouble=}) the server
 * applies, over a directory of five model versions, one failed; a value it does not take is a 400 naming it.
 */
class ModelsFilterTest {

    private static final Pattern CARD = Pattern.compile("<tbody[^>]*data-model=\"([^\"]+)\" data-version=\"(\\d+)\"");

    /** The test JVM's one server of these models (ModelsFilterBrowserTest reads the same): this class only reads. */
    @RegisterExtension
    static final Http http =
            Http.sharingTheModels("four and a broken file", ModelDirectory::withFourModelsAndABrokenFile);

    @BeforeAll
    static void loaded() throws InterruptedException {
        ModelDirectory.awaitIndex(
                http,
                index -> index.size() == 5
                        && index.stream()
                                .noneMatch(m -> m.path("state").asText().equals("LOADING")));
    }

    private static List<String> cards(String query) {
        Http.Response page = http.get("/models" + query);
        assertEquals(200, page.status(), page.text());
        List<String> cards = new ArrayList<>();
        Matcher m = CARD.matcher(page.text());
        while (m.find()) {
            cards.add(m.group(1) + "/" + m.group(2));
        }
        return cards;
    }

    @Test
    void theServerFiltersByNameStateAndTrouble() {
        assertEquals(5, cards("").size());
        // Before: every query showed all five (the page read none of it).
        assertEquals(List.of("banknote/1", "banknote/2"), cards("?name=BANK"));
        assertEquals(List.of("broken/1"), cards("?state=failed"));
        assertEquals(List.of("broken/1"), cards("?trouble=bad"));
        assertEquals(4, cards("?trouble=none").size());
        assertEquals(List.of(), cards("?name=mass&state=failed"));
        assertTrue(http.get("/models?name=zzz").text().contains("No model version passes the filter."));
        assertTrue(http.get("/models?name=bank").text().contains("2 of 5 versions"));
    }

    @Test
    void aValueTheFilterDoesNotTakeIsA400NamingIt() {
        JsonNode problem = http.get("/models?state=sleeping&trouble=some").problem(400);
        String errors = problem.path("errors").toString();
        assertTrue(errors.contains("\"state\"") && errors.contains("\"trouble\""), problem.toString());
        assertEquals(400, http.get("/models?name=" + "a".repeat(201)).status());
    }
}
