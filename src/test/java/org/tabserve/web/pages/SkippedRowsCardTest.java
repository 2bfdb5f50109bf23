package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * A card made with {@code card --skip-invalid} (the penguins species model that cannot take a missing sex, on
 * {@code data/penguins.csv}: 11 of 344 rows have none) says so where people and programs read it: {@code GET
 * /api/model}'s {@code skipped_rows} and a sentence on the card page, so that its figures never silently describe a
 * subset of the data.
 */
class SkippedRowsCardTest {

    @Test
    void theCardPageAndApiModelTellHowManyRowsWereSkippedAndWhy(@TempDir Path dir) throws Exception {
        Path carded = FixtureCards.card(
                Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx"),
                Path.of("data/penguins.csv"),
                "species",
                dir.resolve("species.onnx"),
                "--skip-invalid");
        try (TabserveServer server = TabserveServer.startReady("--model", carded.toString())) {
            Http http = new Http(server);
            JsonNode skipped = http.get("/api/model").json().path("skipped_rows");
            assertEquals(1, skipped.size(), skipped.toString());
            assertEquals("penguins.csv", skipped.get(0).path("file").asText());
            assertEquals(344, skipped.get(0).path("rows").asLong());
            assertEquals(11, skipped.get(0).path("skipped").asLong());
            assertEquals(3, skipped.get(0).path("reasons").get(0).path("row").asLong(), "counted from 0");
            assertEquals(
                    "sex", skipped.get(0).path("reasons").get(0).path("field").asText());
            String sentence = skipped.get(0).path("sentence").asText();
            assertTrue(sentence.startsWith("11 of 344 rows of penguins.csv were skipped: row 3: sex: "), sentence);

            String shown =
                    http.get("/card").html().getElementById("skipped-rows").text();
            assertTrue(shown.startsWith(sentence), shown);
        }
    }
}
