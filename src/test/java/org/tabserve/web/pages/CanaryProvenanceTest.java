package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;

/**
 * The pages say which model gave their answer as its body does ({@code RequestField.inBody}): the served file's
 * SHA-256 always (its first 12 digits, the whole as the title), and, under a canary rollout, which version answered,
 * the same as the answer's {@code X-Model-Version}; without a rollout the version is not said.
 */
class CanaryProvenanceTest {

    private static final String TOKEN = "canary-provenance-token-0123456789abcdef";
    private static final ModelDirectory DIR = directory();

    @RegisterExtension
    static final Http http = Http.startingTheApp(
            Map.of("TABSERVE_ADMIN_TOKEN", TOKEN), "--models", DIR.root().toString(), "--poll-seconds", "1");

    private static ModelDirectory directory() {
        try {
            return ModelDirectory.withFourModels(); // banknote 1 and 2: the bundled model twice
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String form() {
        return BankNotes.genuine().text().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }

    @Test
    void underACanaryThePagesSayWhichVersionAnsweredAndAlwaysWhichFile() throws Exception {
        ModelDirectory.awaitReady(http, 4);
        String sha256 = BankNotes.sha256(BankNotes.MODEL);
        Document plain = http.postForm("/models/banknote/", form()).html();
        assertNull(plain.getElementById("provenance-model_version"), "no rollout chose the version");
        Element file = plain.getElementById("provenance-model_sha256");
        assertEquals("model file " + sha256.substring(0, 12), file.text());
        assertEquals(sha256, file.attr("title"));

        Http.Response set = http.send(
                "PUT",
                "/admin/models/banknote/rollout",
                HttpRequest.BodyPublishers.ofString("{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 50}}"),
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(200, set.status(), set::text);
        boolean[] seen = new boolean[3];
        for (int i = 0; i < 200 && !(seen[1] && seen[2]); i++) {
            Http.Response answer = http.postForm("/models/banknote/", form());
            assertEquals(200, answer.status(), answer::text);
            String version = answer.header("X-Model-Version").orElseThrow();
            Document page = answer.html();
            assertEquals(
                    "version " + version,
                    page.getElementById("provenance-model_version").text());
            assertEquals(sha256, page.getElementById("provenance-model_sha256").attr("title"));
            seen[Integer.parseInt(version)] = true;
        }
        assertTrue(seen[1] && seen[2], "both versions answered the form");

        Http.Response upload = http.upload(
                "/models/banknote/predict_file?format=html",
                Multipart.csv("variance,skewness,curtosis,entropy\n3.6216,8.6661,-2.8073,-0.44699\n"));
        assertEquals(200, upload.status(), upload::text);
        Document page = upload.html();
        assertEquals(
                "version " + upload.header("X-Model-Version").orElseThrow(),
                page.getElementById("provenance-model_version").text());
        assertEquals(1, page.select("#provenance").size(), "said once");
    }
}
