package org.tabserve.rows.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.InputColumns;
import org.tabserve.rows.read.RowMemory;
import org.tabserve.rows.read.RowPass;
import org.tabserve.rows.read.RowsReader;

/**
 * JSON Lines' {@link RowsReader} ({@code application/x-ndjson}): one JSON object a line, as pandas writes a data
 * frame with {@code to_json(orient="records", lines=True)}. The first line's keys are the columns (features by name,
 * others kept but not used); each line's values are read as a CSV's cells would be: a number or a string by its text,
 * {@code null} and {@code NaN} (pandas' missing values) as missing, {@code true}/{@code false} as their words. A line
 * that is not an object of such values, or has a key the first line has not, is a bad row (refused in its place with
 * {@link OnError#ROW}); a key it lacks is a missing value. Empty lines are no rows, and a byte order mark is dropped.
 * A line past {@link RowMemory#MAX_ROW_CHARS} characters is refused with a 413 before it is held, and the heap a
 * long line holds is reserved as a CSV row's is.
 */
public final class JsonLinesReader extends RowsReader {

    /** The media type JSON Lines is sent as (ndjson's name; {@code application/jsonl} is taken too). */
    public static final String MEDIA_TYPE = "application/x-ndjson";

    public JsonLinesReader(ModelSignature signature, long maxRows) {
        super(signature, maxRows, "the JSON Lines");
    }

    @Override
    protected List<String> read(InputStream input, ChunkHandler handler, boolean withRecords) throws IOException {
        Lines lines = new Lines(utf8Text(input));
        try {
            String first = lines.next();
            if (first == null) {
                throw RowsException.malformed("the JSON Lines has no rows; send one JSON object a line, with the keys "
                        + signature.featureNames());
            }
            List<String> columns = columns(first);
            Map<String, Integer> at = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                at.put(columns.get(i), i);
            }
            RowPass pass = pass(columns, featureColumns(columns), false, false, handler, withRecords);
            for (String line = first; line != null; line = lines.next()) {
                String[] cells = new String[columns.size()];
                String problem = cells(line, columns, at, cells);
                if (problem == null) {
                    pass.textRow(cells, lines.number());
                } else {
                    pass.unreadableRow("line " + lines.number() + " " + problem);
                }
            }
            finish(pass);
            return columns;
        } catch (CharacterCodingException e) {
            throw RowsException.malformed("the JSON Lines is not valid UTF-8 text");
        }
    }

    /** The first line's keys, in its order: the columns every line is read by. */
    private List<String> columns(String first) throws IOException {
        List<String> columns = new ArrayList<>();
        try (JsonParser json = JsonText.FACTORY.createParser(first)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw RowsException.malformed("line 1 of the JSON Lines is not a JSON object; send one object a line,"
                        + " with the keys " + signature.featureNames());
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                columns.add(json.currentName());
                json.nextToken();
                json.skipChildren();
            }
        } catch (RowsException e) {
            throw e;
        } catch (IOException e) {
            throw RowsException.malformed(
                    "line 1 of the JSON Lines: " + JsonText.malformed(e).getMessage());
        }
        return columns;
    }

    /** Where each feature sits among the columns; a 400 naming every feature the first line has no key for. */
    private int[] featureColumns(List<String> columns) {
        return InputColumns.featureColumns(
                signature,
                columns,
                feature -> "the first line of the JSON Lines has no key '" + feature + "'; its keys are " + columns
                        + "; it needs " + signature.featureNames());
    }

    /**
     * Reads a line's values into {@code cells} by their keys' columns (a key it lacks: empty, that is missing).
     *
     * @return why the line holds no row, or null when it does
     */
    private static String cells(String line, List<String> columns, Map<String, Integer> at, String[] cells)
            throws IOException {
        java.util.Arrays.fill(cells, "");
        try (JsonParser json = JsonText.FACTORY.createParser(line)) {
            JsonToken start = json.nextToken();
            if (start != JsonToken.START_OBJECT) {
                return "is not a JSON object but " + JsonText.describe(start) + "; send one object a line";
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String key = json.currentName();
                Integer column = at.get(key);
                if (column == null) {
                    return "has the key '" + key + "', which the first line has not; its keys are " + columns;
                }
                JsonToken value = json.nextToken();
                switch (value) {
                    case VALUE_NULL -> cells[column] = "";
                    case VALUE_STRING, VALUE_TRUE, VALUE_FALSE -> cells[column] = json.getText();
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                        cells[column] = JsonText.isNaN(json) ? "" : json.getText();
                    default -> {
                        return "has " + JsonText.describe(value) + " for '" + key + "'; a value is a number, a string"
                                + " or null";
                    }
                }
            }
            if (json.nextToken() != null) {
                return "has more than one JSON value; send one object a line";
            }
        } catch (IOException e) { // a syntax error: the line is a String already, so never a read's
            return "is not JSON: " + JsonText.malformed(e).getMessage().replaceFirst("^malformed JSON: ", "");
        }
        return null;
    }

    /**
     * The input's non-empty lines, each refused before it is held past {@link RowMemory#MAX_ROW_CHARS}, and the
     * heap the longest so far holds reserved ({@link RowMemory}).
     */
    private final class Lines {
        private final Reader in;
        private final char[] buffer = new char[8192];
        private int position;
        private int end;
        private long lineNumber;
        private long number;

        Lines(Reader in) {
            this.in = in;
        }

        /** @return the line number of the last line {@link #next} returned, from 1 */
        long number() {
            return number;
        }

        /** @return the next line that is not empty (a carriage return before its end dropped), or null at the end */
        String next() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (position == end) {
                    end = in.read(buffer, 0, buffer.length);
                    position = 0;
                    if (end <= 0) {
                        end = 0;
                        lineNumber++;
                        return ended(line);
                    }
                }
                int from = position;
                while (position < end && buffer[position] != '\n') {
                    position++;
                }
                line.append(buffer, from, position - from);
                if (line.length() > RowMemory.MAX_ROW_CHARS) {
                    throw RowsException.tooLarge("line " + (lineNumber + 1) + " of the JSON Lines is longer than "
                            + RowMemory.MAX_ROW_CHARS + " characters; split the row or shorten its values");
                }
                rowMemory.reach(line.length());
                if (position < end) {
                    position++; // the line end
                    lineNumber++;
                    String text = ended(line);
                    if (text != null) {
                        return text;
                    }
                    line.setLength(0);
                }
            }
        }

        /** A line read whole: its text, or null when it is empty (at the input's end: no more lines). */
        private String ended(StringBuilder line) {
            int length = line.length();
            if (length > 0 && line.charAt(length - 1) == '\r') {
                length--;
            }
            String text = line.substring(0, length);
            if (text.isBlank()) {
                return null;
            }
            number = lineNumber;
            return text;
        }
    }
}
