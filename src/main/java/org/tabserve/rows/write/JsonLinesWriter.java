package org.tabserve.rows.write;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.regex.Pattern;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.rows.field.JsonText;

/**
 * JSON Lines' {@link RowsWriter}: one object a row, keyed by the columns, one a line, as pandas reads them back with
 * {@code read_json(lines=True)}. An input cell is untyped text (a CSV has no types), so it is written as JSON would
 * have typed it: a JSON number literal as that number, empty as {@code null}, any other text as a string; the
 * answer's cells keep their types (a label is a string, a probability a number), empty ones {@code null}, and a
 * number that is not finite is written as its name in a string ({@code "NaN"}), as Jackson writes one.
 */
public final class JsonLinesWriter implements RowsWriter {

    /** A number as JSON writes one (RFC 8259 §6). */
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

    private final Writer out;
    private final JsonGenerator json;
    private List<String> names;
    private boolean any;

    public JsonLinesWriter(Writer out) {
        this.out = out;
        try {
            this.json = JsonText.FACTORY.createGenerator(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a generator over a Writer writes nothing yet
        }
        json.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
    }

    @Override
    public void columns(List<String> input, List<AnswerColumn> answer, AnswerSource source) {
        this.names = RowsWriter.names(input, answer);
    }

    @Override
    public void row(List<String> input, List<?> answer) throws IOException {
        json.writeStartObject();
        int column = 0;
        for (String cell : input) {
            json.writeFieldName(names.get(column++));
            if (cell.isEmpty()) {
                json.writeNull();
            } else if (JSON_NUMBER.matcher(cell).matches()) {
                json.writeNumber(cell);
            } else {
                json.writeString(cell);
            }
        }
        for (Object cell : answer) {
            json.writeFieldName(names.get(column++));
            if (cell instanceof Number number && Double.isFinite(number.doubleValue())) {
                json.writeNumber(number.toString()); // the CSV's text of it: Float.toString, Double.toString
            } else if (cell == null || cell.toString().isEmpty()) { // no answer, as the CSV's empty cell
                json.writeNull();
            } else {
                json.writeString(cell.toString());
            }
        }
        json.writeEndObject();
        any = true;
    }

    @Override
    public void close() throws IOException {
        if (any) {
            json.writeRaw('\n'); // the last line's end: the separator only goes between rows
        }
        json.close();
        out.close();
    }
}
