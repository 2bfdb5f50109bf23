package org.tabserve.rows.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TableFiles;
import org.tabserve.testing.TabserveProcess;

/**
 * The packaged WAR's {@code score} with Parquet in and out, with the shipped JVM flags: the WAR carries parquet-java
 * and no Hadoop; the bank notes are scored to a Parquet file that reads back whole; a footer claiming a 2 GB column
 * chunk (which stops such a JVM when parquet-java is left to allocate it) is refused in words, exit status 1. A server
 * with the shipped flags answers an upload of 200,000 rows in 2,000 small row groups as it answers the same rows in
 * CSV (issue 61: a 400 calling the file unreadable, when its row groups were all held at once past the budget).
 */
class ParquetScoreIT {

    private static Result score(Path data, Path out) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS);
        command.addAll(List.of(
                "-jar",
                TabserveProcess.war().toString(),
                "score",
                "--model",
                "model.onnx",
                "--data",
                data.toString(),
                "--out",
                out.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process = builder.start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        return new Result(process.exitValue(), said);
    }

    private record Result(int status, String said) {}

    @Test
    void twoHundredThousandRowsInManySmallRowGroupsAreAnsweredAsTheSameRowsInCsvWithTheShippedFlags() throws Exception {
        int rows = 200_000;
        byte[] parquet = TableFiles.notesInRowGroups(rows, 2 << 10);
        assertTrue(TableFiles.rowGroups(parquet) >= 1_000, TableFiles.rowGroups(parquet) + " row groups");
        try (TabserveProcess server = TabserveProcess.startReady(Map.of(
                "MALLOC_ARENA_MAX",
                "2",
                "JAVA_TOOL_OPTIONS",
                String.join(" ", TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS)))) {
            HttpClient client = HttpClient.newHttpClient();
            JsonNode fromCsv = upload(client, server, "notes.csv", TableFiles.notesCsv(rows));
            JsonNode fromParquet = upload(client, server, "notes.parquet", parquet);
            assertEquals(rows, fromCsv.get("predictions").size());
            assertEquals(fromCsv.get("predictions"), fromParquet.get("predictions"));
            assertTrue(server.process().isAlive());
        }
    }

    /** @return the JSON answer to uploading {@code file} to {@code /predict_file}, which must be a 200 */
    private static JsonNode upload(HttpClient client, TabserveProcess server, String name, byte[] file)
            throws Exception {
        Multipart upload = new Multipart().file("file", name, "application/octet-stream", file);
        HttpResponse<String> answer = client.send(
                HttpRequest.newBuilder(server.uri("/predict_file"))
                        .header("Content-Type", upload.contentType())
                        .header("Accept", "application/json")
                        .timeout(Duration.ofMinutes(2))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(upload.bytes()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), name + ": " + answer.body());
        return new ObjectMapper().readTree(answer.body());
    }

    @Test
    void theWarCarriesParquetJavaAndNoHadoop() throws Exception {
        try (ZipFile war = new ZipFile(TabserveProcess.war().toFile())) {
            List<String> jars = war.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.endsWith(".jar"))
                    .toList();
            assertTrue(jars.contains("WEB-INF/lib/parquet-hadoop-1.18.1.jar"), jars.toString());
            assertFalse(
                    jars.stream().anyMatch(n -> n.contains("hadoop-client") || n.contains("hadoop-common")),
                    jars.toString());
            assertFalse(jars.stream().anyMatch(n -> n.contains("zstd-jni")), jars.toString());
        }
    }

    @Test
    void theBankNotesAreScoredFromParquetToParquet(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("scored.parquet");
        Result result = score(TableFiles.NOTES_PARQUET.toAbsolutePath(), out);
        assertEquals(0, result.status(), result.said());
        assertTrue(result.said().contains("scored 1,372 rows of banknotes.snappy.parquet"), result.said());
        List<String> names = new ArrayList<>();
        assertEquals(1372, ParquetAnswers.rows(Files.readAllBytes(out), names).size());
        assertEquals("label", names.get(5));
    }

    @Test
    void aFooterClaimingATwoGigabyteChunkIsRefusedInWordsWithTheShippedFlags(@TempDir Path dir) throws Exception {
        Path hostile = dir.resolve("hostile.parquet");
        Files.write(
                hostile,
                TableFiles.withFooter(
                        Files.readAllBytes(TableFiles.NOTES_PARQUET),
                        footer -> footer.getRow_groups()
                                .get(0)
                                .getColumns()
                                .get(0)
                                .getMeta_data()
                                .setTotal_compressed_size(0x7fff0000L)));
        Result result = score(hostile, dir.resolve("scored.parquet"));
        assertEquals(1, result.status(), result.said());
        assertTrue(
                result.said()
                        .contains("hostile.parquet: the Parquet file's footer puts the column 'variance' at bytes"),
                result.said());
        assertFalse(result.said().contains("OutOfMemoryError"), result.said());
        assertFalse(Files.exists(dir.resolve("scored.parquet")));
    }
}
