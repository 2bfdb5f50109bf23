package org.tabserve.rows.write;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.parquet.ParquetAnswers;

/** A text file's input columns written to Parquet in the model's types, each cell as the rows' reader took it. */
class ParquetRowsWriterTest {

    @Test
    void aTextCellOfATypedInputIsWrittenAsTheReaderTookIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParquetRowsWriter writer = new ParquetRowsWriter(out)) {
            writer.inputs(RowsFixtures.TYPED.features());
            writer.columns(
                    List.of("island", "bill_length_mm", "flipper_length_mm", "sex", "tagged", "note"),
                    List.of(),
                    new AnswerSource("penguins", 1, "0".repeat(64), "plain Java", "r1", false));
            // The reader takes "TRUE" as true (any case), a decimal comma, and 3.0 as the whole number 3.
            writer.row(List.of("Dream", "41,5", "3.0", "MALE", "TRUE", "7"), List.of());
        }
        List<String> names = new ArrayList<>();
        Group row = ParquetAnswers.rows(out.toByteArray(), names).get(0);
        assertEquals(List.of("island", "bill_length_mm", "flipper_length_mm", "sex", "tagged", "note"), names);
        assertEquals(true, row.getBoolean("tagged", 0));
        assertEquals(41.5f, row.getFloat("bill_length_mm", 0));
        assertEquals(3L, row.getLong("flipper_length_mm", 0));
        assertEquals("7", row.getString("note", 0), "a column no input names stays text");
    }
}
