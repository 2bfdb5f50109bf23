package org.tabserve.rows.write;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.rows.field.NumberText;

/**
 * The CSV's {@link RowsWriter}: one record a row, comma-separated, lines ended by {@code \n}. Text that a spreadsheet
 * would run as a formula is written as text ({@link #isFormula}).
 */
public final class CsvRowsWriter implements RowsWriter {

    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();
    /** For a cell escaped as a formula's text: quoted whatever it holds, as OWASP's advice on CSV injection has it. */
    private static final CSVFormat QUOTED =
            FORMAT.builder().setQuoteMode(QuoteMode.ALL).get();

    private final Writer csv;

    public CsvRowsWriter(Writer csv) {
        this.csv = csv;
    }

    @Override
    public void columns(List<String> input, List<AnswerColumn> answer, AnswerSource source) throws IOException {
        print(RowsWriter.names(input, answer), true);
        FORMAT.println(csv);
    }

    @Override
    public void row(List<String> input, List<?> answer) throws IOException {
        print(input, true);
        print(answer, input.isEmpty());
        FORMAT.println(csv);
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }

    /** Writes cells of one record, its text cells that a spreadsheet would run as a formula escaped. */
    private void print(List<?> values, boolean first) throws IOException {
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            boolean newRecord = first && i == 0;
            // A number's text made once: Double.toString is most of what writing a number costs.
            String text = value instanceof String || value instanceof Double ? value.toString() : null;
            if (value instanceof String && isFormula(text)) {
                QUOTED.print("'" + text, csv, newRecord);
            } else if (text != null && isBare(text)) {
                if (!newRecord) {
                    csv.write(',');
                }
                csv.write(text);
            } else {
                FORMAT.print(value, csv, newRecord);
            }
        }
    }

    /**
     * Whether commons-csv's {@link #FORMAT} writes {@code text} as it is, unquoted: it is not empty and holds only
     * ASCII letters, digits, {@code .}, {@code -} and {@code +} (no character at or below {@code #} to start it, no
     * separator, quote or line end in it, no white space to end it), as every number and most labels do. Such a cell
     * is written here without commons-csv's per-cell lock and scan; any other goes through commons-csv.
     */
    static boolean isBare(String text) {
        int n = text.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9'
                    || c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c == '.'
                    || c == '-'
                    || c == '+')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a spreadsheet opening the answer would take this text cell for a formula (CSV injection: an input
     * column, a label or a column name sent as {@code =HYPERLINK(...)} runs when the file is opened): it starts with
     * {@code = + - @}, a tab or a carriage return and is not a number ({@code -1.5} and {@code +2e3} stay numbers;
     * {@code -1,5} too, a decimal comma from a semicolon-separated upload).
     */
    static boolean isFormula(String text) {
        if (text.isEmpty()) {
            return false;
        }
        char first = text.charAt(0);
        if (first != '=' && first != '+' && first != '-' && first != '@' && first != '\t' && first != '\r') {
            return false;
        }
        return !NumberText.isDecimal(text) && !NumberText.isDecimal(text.replace(',', '.'));
    }
}
