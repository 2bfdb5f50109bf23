package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;

/**
 * {@code GET /clients/tabserve_client.py}, over real HTTP: the committed client byte for byte, as Python source with an
 * ETag of its SHA-256 and an hour's caching, read-only; nothing else under {@code /clients/} is served.
 */
class PythonClientHandlerTest {

    static final Path COMMITTED = Path.of("clients", "python", "tabserve_client.py");

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    @Test
    void servesTheCommittedClientAsPythonSourceWithItsSha256AsItsTag() throws Exception {
        Http.Response response = http.get(PythonClientHandler.PATH);
        assertEquals(200, response.status(), response.text());
        byte[] committed = Files.readAllBytes(COMMITTED);
        assertArrayEquals(committed, response.body());
        assertEquals("text/x-python", response.mediaType());
        assertEquals("utf-8", response.charset().orElse(""));
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(committed));
        assertEquals("\"" + sha256 + "\"", response.header("ETag").orElse(""));
        assertEquals("public, max-age=3600", response.header("Cache-Control").orElse(""));
        assertEquals("nosniff", response.header("X-Content-Type-Options").orElse(""));
    }

    @Test
    void aClientThatHoldsItGets304WithoutTheFile() {
        String tag = http.get(PythonClientHandler.PATH).header("ETag").orElseThrow();
        for (String ifNoneMatch : List.of(tag, "W/" + tag, "\"other\", " + tag, "*")) {
            Http.Response again = http.get(PythonClientHandler.PATH, "If-None-Match", ifNoneMatch);
            assertEquals(304, again.status(), ifNoneMatch);
            assertEquals(0, again.body().length, ifNoneMatch);
            assertEquals(tag, again.header("ETag").orElse(""), ifNoneMatch);
        }
        assertEquals(
                200,
                http.get(PythonClientHandler.PATH, "If-None-Match", "\"stale\"").status());
    }

    @Test
    void headAnswersWithoutTheBodyAndEveryWriteIsRefused() {
        Http.Response head = http.send("HEAD", PythonClientHandler.PATH, BodyPublishers.noBody());
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        for (String method : List.of("POST", "PUT", "DELETE")) {
            Http.Response write = http.send(method, PythonClientHandler.PATH, BodyPublishers.ofString("x"));
            write.problem(405);
            assertTrue(write.header("Allow").orElse("").contains("GET"), method + ": " + write.header("Allow"));
        }
    }

    @Test
    void nothingElseUnderClientsIsServedNorListed() {
        for (String path : List.of(
                "/clients",
                "/clients/",
                "/clients/python/",
                "/clients/python/tabserve_client.py",
                "/clients/tabserve_client.pyc",
                "/clients/TABSERVE_CLIENT.PY",
                "/clients/tabserve_client.py/",
                "/clients/../pom.xml",
                "/org/tabserve/web/pages/tabserve_client.py",
                "/WEB-INF/classes/org/tabserve/web/pages/tabserve_client.py")) {
            Http.Response response = http.get(path);
            assertEquals(404, response.status(), path + ": " + response.text());
        }
    }
}
