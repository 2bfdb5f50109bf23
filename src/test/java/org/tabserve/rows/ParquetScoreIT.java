package org.tabserve.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.TabserveProcess;

/**
 * The packaged WAR's {@code score} with Parquet in and out, with the shipped JVM flags: the WAR carries parquet-java
 * and no Hadoop; the bank notes are scored to a Parquet file that reads back whole; a footer claiming a 2 GB column
 * chunk (which stops such a JVM when parquet-java is left to allocate it) is refused in words, exit status 1.
 */
class ParquetScoreIT {

    private static Result score(Path data, Path out) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(TabserveProcess.SHIPPED_JVM_OPTIONS);
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
        Result result = score(ParquetFiles.NOTES.toAbsolutePath(), out);
        assertEquals(0, result.status(), result.said());
        assertTrue(result.said().contains("scored 1,372 rows of banknotes.snappy.parquet"), result.said());
        List<String> names = new ArrayList<>();
        assertEquals(1372, ParquetFiles.rows(Files.readAllBytes(out), names).size());
        assertEquals("label", names.get(5));
    }

    @Test
    void aFooterClaimingATwoGigabyteChunkIsRefusedInWordsWithTheShippedFlags(@TempDir Path dir) throws Exception {
        Path hostile = dir.resolve("hostile.parquet");
        Files.write(
                hostile,
                ParquetFiles.withFooter(
                        Files.readAllBytes(ParquetFiles.NOTES),
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
