package org.tabserve.web;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import org.tabserve.model.ModelSignature;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV uploads as a stream: a header row naming the columns (features by name, in any order, other columns
 * kept but not used), then data rows, handed on in chunks so that no upload is held in memory whole. Data rows are
 * numbered from 1 in errors. Files are made by people and their spreadsheets, so the separator (comma, semicolon or
 * tab) is read off the header row, and a semicolon-separated file, as European Excel writes it, may use decimal
 * commas (see {@link NumberText#parseDecimalComma}). Every message speaks of the user's file, never of commons-csv.
 */
final class CsvRowsParser {

    /** Rows handed on at a time, and so rows per ONNX Runtime call. */
    static final int CHUNK_ROWS = 4096;

    /** Receives the parsed rows of one chunk, with their records for echoing input columns. */
    interface ChunkHandler {
        void accept(List<CSVRecord> records, double[][] rows) throws IOException;
    }


    private final ModelSignature signature;
    private final long maxRows;
    private final boolean unnamedIndex;

    CsvRowsParser(ModelSignature signature, long maxRows) {
        this(signature, maxRows, false);
    }

    /**
     * @param unnamedIndex whether the first column may have no name: pandas' {@code DataFrame.to_csv()} writes its
     *                     index there by default, and MLflow's CSV bodies are such files (the column is not used)
     */
    CsvRowsParser(ModelSignature signature, long maxRows, boolean unnamedIndex) {
        this.signature = signature;
        this.maxRows = maxRows;
        this.unnamedIndex = unnamedIndex;
    }

    /**
     * Reads the whole upload once and reports every problem (up to a hundred) without predicting anything.
     *
     * @return the header's column names, in file order
     * @throws HttpProblem 400 listing the problems, 413 past the row limit
     */
    List<String> validate(InputStream upload) throws IOException {
        return read(upload, null, null);
    }

    /**
     * Validates the whole upload like {@link #validate} and also keeps its rows, in the model's feature order, when
     * there are at most {@code keepRows}: an answer that carries no input columns (JSON) is then scored from memory
     * instead of parsing the file a second time. Each full chunk of kept rows is also handed to {@code ahead} as soon
     * as it is read, and the last part chunk once the whole upload is valid, so that scoring can start while the rest
     * is parsed; whatever {@code ahead} does with them, the caller answers nothing before this method returns.
     * Before it keeps each new chunk of rows it asks {@code room}; once that says no, it stops keeping (the rows kept
     * so far are dropped) and only validates the rest.
     *
     * @return the rows, or null when the upload has more than {@code keepRows} or {@code room} said no (some chunks
     *         may have been handed on)
     */
    double[][] validateAndKeep(InputStream upload, int keepRows, java.util.function.Consumer<double[][]> ahead,
                               java.util.function.BooleanSupplier room) throws IOException {
        List<double[]> kept = new ArrayList<>();
        int[] handed = {0};
        boolean[] keeping = {true};
        read(upload, null, row -> {
            if (keeping[0] && kept.size() % CHUNK_ROWS == 0 && !room.getAsBoolean()) {
                keeping[0] = false;
                kept.clear();
            }
            if (keeping[0] && kept.size() <= keepRows) {
                kept.add(row);
                if (kept.size() - handed[0] == CHUNK_ROWS && kept.size() <= keepRows) {
                    ahead.accept(kept.subList(handed[0], kept.size()).toArray(double[][]::new));
                    handed[0] = kept.size();
                }
            }
        });
        if (!keeping[0] || kept.size() > keepRows) {
            return null;
        }
        if (handed[0] < kept.size()) {
            ahead.accept(kept.subList(handed[0], kept.size()).toArray(double[][]::new));
        }
        return kept.toArray(double[][]::new);
    }

    /** Reads an upload that {@link #validate} accepted, handing on its rows chunk by chunk. */
    void forEachChunk(InputStream upload, ChunkHandler handler) throws IOException {
        read(upload, handler, null);
    }

    private List<String> read(InputStream upload, ChunkHandler handler, java.util.function.Consumer<double[]> keep)
            throws IOException {
        // Reads of at least its buffer's size (commons-csv asks for 8 KiB) bypass this buffer: it costs nothing past
        // the header, which it keeps for the separator to be found before the parser sees it.
        BufferedReader reader = new BufferedReader(new InputStreamReader(
                BOMInputStream.builder().setInputStream(upload).get(),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)));
        try (reader) {
            CsvSeparator separator = CsvSeparator.of(reader);
            return read(reader, separator, handler, keep);
        } catch (CharacterCodingException e) {
            throw HttpProblem.badRequest("the CSV is not valid UTF-8 text");
        }
    }

    private List<String> read(Reader reader, CsvSeparator separator, ChunkHandler handler,
                              java.util.function.Consumer<double[]> keep) throws IOException {
        boolean decimalComma = separator == CsvSeparator.SEMICOLON;
        try (CSVParser parser = parseHeader(reader, separator.format)) {
            List<String> header = parser.getHeaderNames();
            if (header.isEmpty()) {
                throw HttpProblem.badRequest("the CSV is empty; it needs a header row naming the columns "
                        + signature.featureNames() + ", then data rows");
            }
            checkHeader(header, separator, unnamedIndex);
            int[] columns = featureColumns(header, separator);
            List<FieldProblem> errors = new ArrayList<>();
            int errorCount = 0;
            List<CSVRecord> records = new ArrayList<>();
            List<double[]> rows = new ArrayList<>();
            long count = 0;
            for (CSVRecord record : parser) {
                count++;
                if (count > maxRows) {
                    throw HttpProblem.tooLarge("the CSV has more than " + maxRows + " data rows; split it");
                }
                int rowNumber = (int) Math.min(Integer.MAX_VALUE, count);
                double[] row = new double[columns.length];
                if (record.size() != header.size()) {
                    errorCount++;
                    addCapped(errors, new FieldProblem("row", "row " + count + " (line " + record.getParser().getCurrentLineNumber()
                            + ") has " + record.size() + " fields; the header has " + header.size(), rowNumber));
                } else {
                    for (int i = 0; i < columns.length; i++) {
                        String text = record.get(columns[i]);
                        String feature = signature.featureNames().get(i);
                        var value = decimalComma ? NumberText.parseDecimalComma(text) : NumberText.parse(text);
                        String problem = value.isPresent() ? ModelSignature.valueProblem(feature, value.get())
                                : decimalComma ? NumberText.decimalCommaProblem(feature, text)
                                : NumberText.problem(feature, text);
                        if (problem == null) {
                            row[i] = value.get();
                        } else {
                            errorCount++;
                            addCapped(errors, new FieldProblem(feature, "row " + count + ": " + problem, rowNumber));
                        }
                    }
                }
                if (keep != null && errorCount == 0) {
                    keep.accept(row);
                }
                if (handler != null && errorCount == 0) {
                    records.add(record);
                    rows.add(row);
                    if (rows.size() == CHUNK_ROWS) {
                        handler.accept(records, rows.toArray(double[][]::new));
                        records.clear();
                        rows.clear();
                    }
                }
            }
            if (errorCount > 0) {
                throw new HttpProblem(400, "Invalid input", errorCount + " invalid value(s) in the CSV"
                        + (errorCount > errors.size() ? "; the first " + errors.size() + " are listed" : ""),
                        errors, java.util.Map.of());
            }
            if (count == 0) {
                throw HttpProblem.badRequest("the CSV has a header but no data rows");
            }
            if (handler != null && !rows.isEmpty()) {
                handler.accept(records, rows.toArray(double[][]::new));
            }
            return header;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw HttpProblem.badRequest("the CSV is not valid UTF-8 text");
            }
            throw HttpProblem.badRequest("malformed CSV: " + syntaxProblem(e.getCause()));
        }
    }

    /**
     * Opens the parser, which reads the header row. Only here is a library exception the file's fault: anything
     * thrown later (an {@link OutOfMemoryError} that try-with-resources turned into "Self-suppression not permitted",
     * say) is the server's, and must not become a 400 that blames the client.
     */
    private static CSVParser parseHeader(Reader reader, CSVFormat format) throws IOException {
        try {
            return CSVParser.parse(reader, format);
        } catch (CSVException e) {
            // A header that is not CSV: an unclosed quote, or text after a closing quote.
            throw HttpProblem.badRequest("malformed CSV header: " + syntaxProblem(e));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw HttpProblem.badRequest("malformed CSV header: " + e.getMessage());
        }
    }

    private static final java.util.regex.Pattern UNCLOSED_QUOTE =
            java.util.regex.Pattern.compile("\\(startline (\\d+)\\) EOF reached before encapsulated token finished");
    private static final java.util.regex.Pattern TEXT_AFTER_QUOTE = java.util.regex.Pattern.compile(
            "Invalid character between encapsulated token and delimiter at line: (\\d+), position: (\\d+)");

    /** What is wrong with the file, in its terms, for the two syntax errors commons-csv reports in its own. */
    static String syntaxProblem(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        var unclosed = UNCLOSED_QUOTE.matcher(message);
        if (unclosed.find()) {
            return "a quoted field that starts on line " + unclosed.group(1) + " is never closed";
        }
        var afterQuote = TEXT_AFTER_QUOTE.matcher(message);
        if (afterQuote.find()) {
            return "text follows a closing quote on line " + afterQuote.group(1) + " (character "
                    + afterQuote.group(2) + "); quote the whole field, and double any quote inside it";
        }
        return message;
    }

    /** Refuses a header with an unnamed column or a column named twice, which no row could be matched against. */
    private static void checkHeader(List<String> header, CsvSeparator separator, boolean unnamedIndex) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (name.isEmpty() && i == 0 && unnamedIndex && header.size() > 1) {
                continue;
            }
            if (name.isEmpty()) {
                throw HttpProblem.badRequest("column " + (i + 1) + " of the CSV header has no name (read as "
                        + separator.description + ": " + header + "); name every column");
            }
            Integer first = seen.putIfAbsent(name, i);
            if (first != null) {
                throw HttpProblem.badRequest("column '" + name + "' appears twice in the header (columns " + (first + 1)
                        + " and " + (i + 1) + "); name each column once");
            }
        }
    }

    /** Where each feature sits in the header; a 400 naming every missing feature column, and what was read. */
    private int[] featureColumns(List<String> header, CsvSeparator separator) {
        List<String> features = signature.featureNames();
        int[] columns = new int[features.size()];
        List<FieldProblem> missing = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            columns[i] = header.indexOf(features.get(i));
            if (columns[i] < 0) {
                missing.add(new FieldProblem(features.get(i), "the CSV header has no column '" + features.get(i)
                        + "'; read as " + separator.description + ", its columns are " + header + "; it needs "
                        + features + " (separated by commas, semicolons or tabs)", null));
            }
        }
        if (!missing.isEmpty()) {
            throw HttpProblem.invalidFields(missing);
        }
        return columns;
    }

    private static void addCapped(List<FieldProblem> errors, FieldProblem problem) {
        if (errors.size() < 100) {
            errors.add(problem);
        }
    }
}
