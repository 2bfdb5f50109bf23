package org.tabserve.rows.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.ChunkScorer;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.testing.BankNotes;

/**
 * A CSV answer whose probabilities the scoring pool writes as text ahead of their turn ({@link CsvAnswer}'s
 * {@code ahead}) is byte for byte the answer written a number at a time: on the bundled bank-note model, over more
 * chunks than are prepared ahead, with rows whose probabilities are written with an exponent.
 */
class ProbabilityTextsTest {

    @Test
    void theAnswerIsTheSameBytesWithTheTextsWrittenAhead() throws IOException {
        List<String> lines = Files.readAllLines(BankNotes.DATA);
        StringBuilder csv = new StringBuilder(lines.get(0)).append('\n');
        int rows = 5 * RowsReader.CHUNK_ROWS + 17;
        for (int r = 0; r < rows; r++) {
            csv.append(lines.get(1 + r % (lines.size() - 1))).append('\n');
        }
        // far outside the training data: probabilities of the order of 1e-5 and less, written with an exponent
        csv.append("40,40,40,40,0\n-40,-40,-40,-40,1\n1e3,-1e3,1e3,-1e3,0\n");
        byte[] upload = csv.toString().getBytes(StandardCharsets.UTF_8);
        try (Model model = OnnxModelLoader.load(BankNotes.MODEL);
                ChunkScorer scorer = new ChunkScorer(2)) {
            String byNumber = answer(model, scorer, upload, 0);
            String ahead = answer(model, scorer, upload, 3);
            assertEquals(byNumber, ahead);
            assertEquals(rows + 3 + 1, ahead.split("\n").length);
            assertTrue(
                    ahead.contains("E-"),
                    "a probability written with an exponent: "
                            + ahead.lines().skip(rows + 1).toList());
        }
    }

    /** The CSV answer to {@code upload}, the pool writing {@code ahead} chunks' probabilities as text ahead. */
    private static String answer(Model model, ChunkScorer scorer, byte[] upload, int ahead) throws IOException {
        RowsReader parser = RowFormat.CSV.reader(model.signature(), Long.MAX_VALUE);
        List<String> header = parser.validate(new ByteArrayInputStream(upload));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnswerAssembler scoring = AnswerAssembler.offline(model);
        CsvAnswer.write(
                RowFormat.CSV.writer(new OutputStreamWriter(out, StandardCharsets.UTF_8)),
                scoring.shape(),
                model.signature().features(),
                scoring.source(),
                header,
                CsvAnswer.RowListener.NONE,
                false,
                ahead,
                sink -> scorer.start(scoring, sink)
                        .score(run -> parser.forEachChunk(new ByteArrayInputStream(upload), run::accept)));
        return out.toString(StandardCharsets.UTF_8);
    }
}
