package org.tabserve.rows.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.util.List;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowPass;
import org.tabserve.rows.read.RowsReader;

/**
 * The reference {@link CsvLexer} is held to: commons-csv 1.14.1 reading a whole upload with the format the CSV reader
 * used before the lexer (every record through {@link RowPass#textRow}, its syntax errors told in the file's terms as
 * the reader told them), without the size limits, for inputs far below them.
 */
final class CommonsCsvRows extends RowsReader {

    /** commons-csv's format for a CSV's records, as the reader configured it for {@code delimiter}. */
    static CSVFormat format(char delimiter) {
        return CSVFormat.DEFAULT
                .builder()
                .setDelimiter(delimiter)
                .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL)
                .setAllowMissingColumnNames(true)
                .setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true)
                .get();
    }

    private final boolean unnamedIndex;

    CommonsCsvRows(ModelSignature signature, long maxRows, boolean unnamedIndex) {
        super(signature, maxRows, "the CSV");
        this.unnamedIndex = unnamedIndex;
    }

    @Override
    protected List<String> read(InputStream upload, ChunkHandler handler, boolean withRecords) throws IOException {
        String text;
        try (Reader reader = utf8Text(upload)) {
            StringBuilder all = new StringBuilder();
            char[] buffer = new char[8192];
            for (int n; (n = reader.read(buffer)) > 0; ) {
                all.append(buffer, 0, n);
            }
            text = all.toString();
        } catch (CharacterCodingException e) {
            throw RowsException.malformed("the CSV is not valid UTF-8 text");
        }
        CsvSeparator separator = separatorOf(text);
        CSVParser parser;
        try {
            parser = CSVParser.parse(
                    text,
                    format(separator.character)
                            .builder()
                            .setHeader()
                            .setSkipHeaderRecord(true)
                            .get());
        } catch (CSVException e) {
            throw RowsException.malformed("malformed CSV header: " + syntaxProblem(e));
        }
        try (parser) {
            List<String> header = parser.getHeaderNames();
            if (header.isEmpty()) {
                throw RowsException.malformed("the CSV is empty; it needs a header row naming the columns "
                        + signature.featureNames() + ", then data rows");
            }
            CsvHeader.check(header, separator, unnamedIndex);
            int[] columns = CsvHeader.featureColumns(signature, header, separator);
            RowPass pass =
                    pass(header, columns, separator == CsvSeparator.SEMICOLON, unnamedIndex, handler, withRecords);
            for (CSVRecord record : parser) {
                pass.textRow(record.values(), parser.getCurrentLineNumber());
            }
            finish(pass);
            return header;
        } catch (UncheckedIOException e) {
            throw RowsException.malformed("malformed CSV: " + syntaxProblem(e.getCause()));
        }
    }

    /** The separator the first line uses most outside quotes (a quote toggles), as the reader found it. */
    static CsvSeparator separatorOf(String text) {
        int[] counts = new int[CsvSeparator.values().length];
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted) {
                for (CsvSeparator separator : CsvSeparator.values()) {
                    counts[separator.ordinal()] += c == separator.character ? 1 : 0;
                }
            }
        }
        return CsvSeparator.of(counts);
    }

    private static final java.util.regex.Pattern UNCLOSED_QUOTE =
            java.util.regex.Pattern.compile("\\(startline ([\\d,]+)\\) EOF reached before encapsulated token finished");
    private static final java.util.regex.Pattern TEXT_AFTER_QUOTE = java.util.regex.Pattern.compile(
            "Invalid character between encapsulated token and delimiter at line: ([\\d,]+), position: ([\\d,]+)");

    /** commons-csv's two syntax errors in the words the CSV reader uses. */
    static String syntaxProblem(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        var unclosed = UNCLOSED_QUOTE.matcher(message);
        if (unclosed.find()) {
            return "a quoted field that starts on line " + number(unclosed.group(1)) + " is never closed";
        }
        var afterQuote = TEXT_AFTER_QUOTE.matcher(message);
        if (afterQuote.find()) {
            return "text follows a closing quote on line " + number(afterQuote.group(1)) + " (character "
                    + number(afterQuote.group(2)) + "); quote the whole field, and double any quote inside it";
        }
        return message;
    }

    private static long number(String grouped) {
        return Long.parseLong(grouped.replace(",", ""));
    }
}
