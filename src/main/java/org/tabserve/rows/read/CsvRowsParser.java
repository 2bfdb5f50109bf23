package org.tabserve.rows.read;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.NumberText;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;

/**
 * The CSV's {@link RowsReader}: a header row naming the columns (features by name, in any order, other columns kept
 * but not used), then data rows; no row past the size limits of {@link CsvRowLimits} is held at all. Files are made
 * by people and their spreadsheets, so the separator (comma, semicolon or tab) is read off the header row, and a
 * semicolon-separated file, as European Excel writes it, may use decimal commas (see
 * {@link NumberText#parseDecimalComma}). Every message speaks of the user's file, never of commons-csv. The header
 * is read by {@link CsvHeader}; plain lines are split in place by {@link CsvTokenizer}, the rest by commons-csv, and
 * each reading's rows are checked by a {@link RowPass}.
 */
public final class CsvRowsParser extends RowsReader {

    private final boolean unnamedIndex;
    /**
     * Whether commons-csv reads every line, as it does for an echoing answer in row mode: the path
     * {@link CsvTokenizer}'s split lines are held to in tests.
     */
    private boolean commonsCsvOnly;

    public CsvRowsParser(ModelSignature signature, long maxRows) {
        this(signature, maxRows, false);
    }

    /**
     * @param unnamedIndex whether the first column may have no name: pandas' {@code DataFrame.to_csv()} writes its
     *                     index there by default, and MLflow's CSV bodies are such files (the column is not used)
     */
    public CsvRowsParser(ModelSignature signature, long maxRows, boolean unnamedIndex) {
        super(signature, maxRows);
        this.unnamedIndex = unnamedIndex;
    }

    /** Has commons-csv read every line, the tokenizer none (the reference the tokenizer's lines are held to). */
    CsvRowsParser commonsCsvOnly() {
        this.commonsCsvOnly = true;
        return this;
    }

    @Override
    protected String what() {
        return "the CSV";
    }

    @Override
    public CsvRowsParser onError(OnError choice) {
        super.onError(choice);
        return this;
    }

    @Override
    public CsvRowsParser onError(OnError choice, long maxErrorRows) {
        super.onError(choice, maxErrorRows);
        return this;
    }

    @Override
    public CsvRowsParser reservingRowMemory(java.util.function.LongConsumer grow) {
        super.reservingRowMemory(grow);
        return this;
    }

    @Override
    protected List<String> read(InputStream upload, ChunkHandler handler, boolean withRecords) throws IOException {
        // Reads of at least its buffer's size (commons-csv asks for 8 KiB) bypass this buffer: it costs nothing past
        // the header, which is read from it a character at a time for the separator to be found.
        BufferedReader reader = new BufferedReader(utf8Text(upload));
        try (reader) {
            CsvSeparator.Found found = CsvSeparator.of(reader, rowMemory);
            CsvSeparator separator = found.separator();
            // Every pass reads through the row limits, which refuse a row past them before a parser holds it, and
            // reserve what the longest row so far holds.
            return read(
                    new CsvRowLimits(found.text(), separator.character, rowMemory), separator, handler, withRecords);
        } catch (CharacterCodingException e) {
            throw RowsException.malformed("the CSV is not valid UTF-8 text");
        }
    }

    private List<String> read(CsvRowLimits reader, CsvSeparator separator, ChunkHandler handler, boolean withRecords)
            throws IOException {
        boolean decimalComma = separator == CsvSeparator.SEMICOLON;
        // Plain lines are split in place (CsvTokenizer); from the first line that is not plain on, commons-csv reads
        // the rest. An answer that echoes the input columns takes a plain line's cells as the tokenizer trims them,
        // which are commons-csv's record of it; in row mode a bad row echoes its cells as commons-csv read them, so
        // commons-csv reads everything there.
        CsvTokenizer lines = commonsCsvOnly || withRecords && onError() == OnError.ROW
                ? null
                : new CsvTokenizer(reader, separator.character);
        CSVParser parser = null;
        long positionOffset = 0;
        try {
            List<String> header;
            if (lines != null && lines.next() == CsvTokenizer.Line.PLAIN) {
                try (CSVParser headerOnly =
                        CsvHeader.parse(new java.io.StringReader(lines.lineText()), separator.format)) {
                    header = headerOnly.getHeaderNames();
                }
            } else {
                parser = CsvHeader.parse(lines == null ? reader : lines.rest(), separator.format);
                header = parser.getHeaderNames();
                lines = null;
            }
            if (header.isEmpty()) {
                throw RowsException.malformed("the CSV is empty; it needs a header row naming the columns "
                        + signature.featureNames() + ", then data rows");
            }
            CsvHeader.check(header, separator, unnamedIndex);
            reader.name(header); // a cell past the limits is then refused naming its column
            int[] columns = CsvHeader.featureColumns(signature, header, separator);
            RowPass pass = pass(header, columns, decimalComma, unnamedIndex, handler, withRecords);
            if (lines != null) {
                lines.keep(header.size());
                read:
                while (true) {
                    switch (lines.next()) {
                        case PLAIN -> pass.plainRow(lines);
                        case END -> {
                            break read;
                        }
                        case OTHER -> {
                            positionOffset = lines.restPositionOffset();
                            parser = parseRows(lines.rest(), separator);
                            break read;
                        }
                    }
                }
            }
            if (parser != null) {
                for (CSVRecord record : parser) {
                    pass.textRow(record.values(), record.getParser().getCurrentLineNumber());
                }
            }
            finish(pass); // the last part chunk: its batch is checked before the verdict, handed on only after it
            return header;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw RowsException.malformed("the CSV is not valid UTF-8 text");
            }
            throw RowsException.malformed("malformed CSV: " + CsvHeader.syntaxProblem(e.getCause(), positionOffset));
        } finally {
            if (parser != null) {
                parser.close();
            }
        }
    }

    /** The rows after the header, when commons-csv takes over from the tokenizer. */
    private static CSVParser parseRows(Reader rest, CsvSeparator separator) throws IOException {
        return CSVParser.parse(rest, separator.rowsFormat);
    }
}
