package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * A file scored before and uploaded again carries columns named as the answer's ({@code label},
 * {@code probability_1}); the download keeps them as {@code label_input} and {@code probability_1_input}, and the
 * upload page says so, where before it said nothing and a user looking for their column found it renamed.
 */
class UploadRenamedColumnsTest {

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    private static Document page(String csv) {
        Http.Response answer = http.upload("/predict_file?format=html", Multipart.csv(csv), "Accept", "text/html");
        assertEquals(200, answer.status(), answer::text);
        return answer.html();
    }

    @Test
    void theUploadPageNamesEachColumnRenamedInTheDownload() {
        Document page =
                page("variance,skewness,curtosis,entropy,label,probability_1\n3.6216,8.6661,-2.8073,-0.44699,0,0.1\n");
        Element note = page.getElementById("renamed");
        assertTrue(note != null, page::html);
        assertTrue(note.text().contains("label as label_input"), note.text());
        assertTrue(note.text().contains("probability_1 as probability_1_input"), note.text());
        String link = page.getElementById("download-link").attr("href");
        String download =
                new String(Base64.getDecoder().decode(link.substring(link.indexOf(",") + 1)), StandardCharsets.UTF_8);
        String header = download.lines().findFirst().orElseThrow();
        assertTrue(header.contains("label_input") && header.contains("probability_1_input"), header);
    }

    @Test
    void aFileWithoutAnswerNamesHasNoSuchNote() {
        Document page = page("variance,skewness,curtosis,entropy\n3.6216,8.6661,-2.8073,-0.44699\n");
        assertEquals(null, page.getElementById("renamed"), page::html);
    }
}
