package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;

/**
 * {@code POST /admin/model} on a {@code --models} server that serves nothing yet: a model whose card and graph name it
 * is installed under that name; one that names none is refused (409, pointing to {@code PUT /admin/models/{name}})
 * rather than served under the upload's temporary file name.
 */
class AdminModelSwapOnAnEmptyRepositoryTest {

    private static final String TOKEN = "empty-admin-token-0123456789abcdef";
    private static final Path DIRECTORY = emptyDirectory();

    @RegisterExtension
    static final Http http =
            Http.startingTheApp(Map.of("TABSERVE_ADMIN_TOKEN", TOKEN), "--models", DIRECTORY.toString());

    private static Path emptyDirectory() {
        try {
            return Files.createTempDirectory("tabserve-empty-models");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The model with no graph name: its card (blank name) and its graph name none. */
    private static byte[] unnamed(byte[] model) throws IOException {
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(model);
        return proto.toBuilder()
                .setGraph(proto.getGraph().toBuilder().clearName())
                .build()
                .toByteArray();
    }

    @Test
    void aModelThatNamesNoneIsRefusedInWordsAndOneThatNamesItselfIsInstalledUnderItsName() throws IOException {
        byte[] unnamed = unnamed(BankNotes.modelWith(Map.of("tabserve.name", "", "tabserve.version", "")));
        JsonNode refused = http.post(
                        "/admin/model", "application/octet-stream", unnamed, "Authorization", "Bearer " + TOKEN)
                .problem(409);
        assertTrue(refused.path("detail").asText().contains("PUT /admin/models/{name}"), refused::toString);
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            assertEquals(java.util.List.of(), files.toList(), "nothing installed");
        }
        assertTrue(
                http.get("/api/models").text().indexOf("admin-model") < 0, "no model named after the temporary file");

        Http.Response named = http.post(
                "/admin/model",
                "application/octet-stream",
                BankNotes.modelWith(Map.of("tabserve.name", "notes")),
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(200, named.status(), named.text());
        assertEquals("swapped", named.json().path("status").asText());
        assertEquals(
                200,
                http.get("/models/notes/api/model").status(),
                () -> http.get("/api/models").text());
    }
}
