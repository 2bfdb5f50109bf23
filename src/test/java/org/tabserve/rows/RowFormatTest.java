package org.tabserve.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which {@code Accept} headers ask for which format's answer: any case, and only names of the bytes it writes. */
class RowFormatTest {

    @Test
    void mediaTypesAreMatchedInAnyCase() {
        assertTrue(RowFormat.CSV.askedIn("Text/CSV"));
        assertTrue(RowFormat.ARROW.askedIn("APPLICATION/VND.APACHE.ARROW.STREAM"));
        assertTrue(RowFormat.PARQUET.askedIn("Application/X-Parquet"));
        assertTrue(RowFormat.JSON_LINES.askedIn("application/X-NDJSON; q=0.9"));
    }

    @Test
    void arrowsFileFormatIsNotAskingForTheStreamItWrites() {
        assertFalse(RowFormat.ARROW.askedIn("application/vnd.apache.arrow.file"));
        assertTrue(RowFormat.ARROW.reader(RowsFixtures.TYPED_CELLS, 1) != null);
    }

    @Test
    void noHeaderOrAnotherTypeAsksForNone() {
        for (RowFormat format : RowFormat.values()) {
            assertFalse(format.askedIn(null), format.name());
            assertFalse(format.askedIn("application/json"), format.name());
        }
    }

    @Test
    void theAnswersFormatIsNegotiatedOnceCsvFirstThenArrowParquetJsonLines() {
        assertEquals(Optional.of(RowFormat.CSV), RowFormat.accepted("application/x-ndjson, text/csv"));
        assertEquals(
                Optional.of(RowFormat.ARROW),
                RowFormat.accepted("application/jsonl, application/vnd.apache.arrow.stream, application/x-parquet"));
        assertEquals(Optional.of(RowFormat.PARQUET), RowFormat.accepted("application/jsonl, application/x-parquet"));
        assertEquals(Optional.of(RowFormat.JSON_LINES), RowFormat.accepted("application/jsonl"));
        assertEquals(
                Optional.empty(), RowFormat.accepted("text/html,application/xhtml+xml"), "the page is the route's");
        assertEquals(Optional.empty(), RowFormat.accepted(null));
        for (RowFormat format : RowFormat.values()) {
            assertEquals(
                    Optional.of(format), RowFormat.ofWord(" " + format.word().toUpperCase(java.util.Locale.ROOT)));
        }
        assertEquals(Optional.empty(), RowFormat.ofWord("html"), "the page is no table format");
    }
}
