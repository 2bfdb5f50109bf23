package org.tabserve.web;

import org.junit.jupiter.api.Test;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.OutputKind;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV parser's validating pass that keeps rows and hands them on for scoring ahead, in chunks. */
class CsvRowsParserTest {

    private static final ModelSignature SIGNATURE = new ModelSignature("input", List.of("a", "b"),
            List.of("0", "1"), OutputKind.PROBABILITIES, false, false);
    private static final int ROWS = 2 * CsvRowsParser.CHUNK_ROWS + 5;

    private static ByteArrayInputStream csv(int rows, String badRow) {
        StringBuilder text = new StringBuilder("b,a\n");
        for (int i = 0; i < rows; i++) {
            text.append(i == rows - 1 && badRow != null ? badRow : i + "," + (-i)).append('\n');
        }
        return new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fullChunksAreHandedOnAsTheyAreReadAndTheLastPartChunkOnceTheWholeFileIsValid() throws IOException {
        List<double[][]> chunks = new ArrayList<>();
        double[][] kept = new CsvRowsParser(SIGNATURE, 1_000_000).validateAndKeep(csv(ROWS, null), 100_000, chunks::add, () -> true);
        assertEquals(ROWS, kept.length);
        assertEquals(List.of(CsvRowsParser.CHUNK_ROWS, CsvRowsParser.CHUNK_ROWS, 5),
                chunks.stream().map(c -> c.length).toList());
        assertArrayEquals(kept, chunks.stream().flatMap(java.util.Arrays::stream).toArray(double[][]::new));
        assertArrayEquals(new double[]{-(ROWS - 1), ROWS - 1}, kept[ROWS - 1], "in the model's column order");
    }

    @Test
    void aBadLastRowRefusesTheUploadAndItsLastPartChunkIsNeverHandedOn() {
        List<double[][]> chunks = new ArrayList<>();
        HttpProblem problem = assertThrows(HttpProblem.class, () -> new CsvRowsParser(SIGNATURE, 1_000_000)
                .validateAndKeep(csv(ROWS, "1,x"), 100_000, chunks::add, () -> true));
        assertEquals(400, problem.status());
        assertTrue(problem.errors().get(0).message().contains("row " + ROWS), problem.errors()::toString);
        assertEquals(2, chunks.size(), "only the full chunks read before the bad row");
    }

    @Test
    void pastTheKeptRowsNothingMoreIsHandedOnAndNullSaysReadItAgain() throws IOException {
        List<double[][]> chunks = new ArrayList<>();
        assertNull(new CsvRowsParser(SIGNATURE, 1_000_000).validateAndKeep(csv(ROWS, null),
                CsvRowsParser.CHUNK_ROWS + 10, chunks::add, () -> true));
        assertEquals(1, chunks.size());
    }

    @Test
    void whenTheBudgetHasNoRoomForAnotherChunkItStopsKeepingButStillChecksEveryRow() throws IOException {
        List<double[][]> chunks = new ArrayList<>();
        int[] asked = {0};
        java.util.function.BooleanSupplier roomForOneChunk = () -> ++asked[0] == 1;
        assertNull(new CsvRowsParser(SIGNATURE, 1_000_000).validateAndKeep(csv(ROWS, null), 100_000, chunks::add,
                roomForOneChunk));
        assertEquals(1, chunks.size(), "only the chunk there was room for");
        assertEquals(2, asked[0], "asked once per chunk until refused, then never again");

        HttpProblem problem = assertThrows(HttpProblem.class, () -> new CsvRowsParser(SIGNATURE, 1_000_000)
                .validateAndKeep(csv(ROWS, "1,x"), 100_000, chunk -> { }, () -> false));
        assertEquals(400, problem.status(), "a file that is not kept is still checked to its last row");
    }
}
