package org.tabserve.rows.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.List;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.NumberText;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowPass;
import org.tabserve.rows.read.RowsReader;

/**
 * The CSV's {@link RowsReader}: a header row naming the columns (features by name, in any order, other columns kept
 * but not used), then data rows; no row past the size limits of {@link CsvLexer} is held at all. Files are made
 * by people and their spreadsheets, so the separator (comma, semicolon or tab) is read off the header row, and a
 * semicolon-separated file, as European Excel writes it, may use decimal commas (see
 * {@link NumberText#parseDecimalComma}). Every message speaks of the user's file. Every record is split in place by
 * {@link CsvLexer}, the header checked by {@link CsvHeader}, and each reading's rows by a {@link RowPass}.
 */
public final class CsvRowsParser extends RowsReader {

    private final boolean unnamedIndex;

    public CsvRowsParser(ModelSignature signature, long maxRows) {
        this(signature, maxRows, false);
    }

    /**
     * @param unnamedIndex whether the first column may have no name: pandas' {@code DataFrame.to_csv()} writes its
     *                     index there by default, and MLflow's CSV bodies are such files (the column is not used)
     */
    public CsvRowsParser(ModelSignature signature, long maxRows, boolean unnamedIndex) {
        super(signature, maxRows, "the CSV");
        this.unnamedIndex = unnamedIndex;
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
        try (Reader text = utf8Text(upload)) {
            CsvLexer lexer = new CsvLexer(text, rowMemory);
            CsvSeparator separator = lexer.separator();
            List<String> header = lexer.next() ? lexer.texts() : List.of();
            if (header.isEmpty()) {
                throw RowsException.malformed("the CSV is empty; it needs a header row naming the columns "
                        + signature.featureNames() + ", then data rows");
            }
            CsvHeader.check(header, separator, unnamedIndex);
            lexer.name(header); // a cell past the limits is then refused naming its column
            int[] columns = CsvHeader.featureColumns(signature, header, separator);
            RowPass pass =
                    pass(header, columns, separator == CsvSeparator.SEMICOLON, unnamedIndex, handler, withRecords);
            while (lexer.next()) {
                pass.splitRow(lexer);
            }
            finish(pass); // the last part chunk: its batch is checked before the verdict, handed on only after it
            return header;
        } catch (CharacterCodingException e) {
            throw RowsException.malformed("the CSV is not valid UTF-8 text");
        }
    }

    /** The column names of a CSV's header row, reading no further (an empty list for a file of no row). */
    static List<String> header(InputStream upload) throws IOException {
        try (Reader text = utf8Text(upload)) {
            CsvLexer lexer = new CsvLexer(text, org.tabserve.rows.read.RowMemory.NONE);
            lexer.separator();
            return lexer.next() ? List.copyOf(lexer.texts()) : List.of();
        } catch (CharacterCodingException e) {
            throw RowsException.malformed("the CSV is not valid UTF-8 text");
        }
    }
}
