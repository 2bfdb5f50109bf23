package org.tabserve.rows.read;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.RowsException;

/**
 * A CSV's header row, for {@link CsvRowsParser}: read, checked (every column named, none twice), matched to the
 * model's features by name, and commons-csv's syntax errors told in the file's terms.
 */
public final class CsvHeader {

    private CsvHeader() {}

    /**
     * Opens the parser, which reads the header row. Only here is a library exception the file's fault: anything
     * thrown later (an {@link OutOfMemoryError} that try-with-resources turned into "Self-suppression not permitted",
     * say) is the server's, and must not become a 400 that blames the client.
     */
    public static CSVParser parse(Reader reader, CSVFormat format) throws IOException {
        try {
            return CSVParser.parse(reader, format);
        } catch (CSVException e) {
            // A header that is not CSV: an unclosed quote, or text after a closing quote.
            throw RowsException.malformed("malformed CSV header: " + syntaxProblem(e));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw RowsException.malformed("malformed CSV header: " + e.getMessage());
        }
    }

    private static final java.util.regex.Pattern UNCLOSED_QUOTE =
            java.util.regex.Pattern.compile("\\(startline (\\d+)\\) EOF reached before encapsulated token finished");
    private static final java.util.regex.Pattern TEXT_AFTER_QUOTE = java.util.regex.Pattern.compile(
            "Invalid character between encapsulated token and delimiter at line: (\\d+), position: (\\d+)");

    /** What is wrong with the file, in its terms, for the two syntax errors commons-csv reports in its own. */
    static String syntaxProblem(Throwable failure) {
        return syntaxProblem(failure, 0);
    }

    /**
     * @param positionOffset characters to add to commons-csv's position: after the tokenizer it reads a text that
     *                       stands in one character (an empty line) for each line the tokenizer read
     */
    static String syntaxProblem(Throwable failure, long positionOffset) {
        String message = String.valueOf(failure.getMessage());
        var unclosed = UNCLOSED_QUOTE.matcher(message);
        if (unclosed.find()) {
            return "a quoted field that starts on line " + unclosed.group(1) + " is never closed";
        }
        var afterQuote = TEXT_AFTER_QUOTE.matcher(message);
        if (afterQuote.find()) {
            return "text follows a closing quote on line " + afterQuote.group(1) + " (character "
                    + (Long.parseLong(afterQuote.group(2)) + positionOffset)
                    + "); quote the whole field, and double any quote inside it";
        }
        return message;
    }

    /** Refuses a header with an unnamed column or a column named twice, which no row could be matched against. */
    static void check(List<String> header, CsvSeparator separator, boolean unnamedIndex) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (name.isEmpty() && i == 0 && unnamedIndex && header.size() > 1) {
                continue;
            }
            if (name.isEmpty()) {
                throw RowsException.malformed("column " + (i + 1) + " of the CSV header has no name (read as "
                        + separator.description + ": " + header + "); name every column");
            }
            Integer first = seen.putIfAbsent(name, i);
            if (first != null) {
                throw RowsException.malformed("column '" + name + "' appears twice in the header (columns "
                        + (first + 1) + " and " + (i + 1) + "); name each column once");
            }
        }
    }

    /** Where each feature sits in the header; a 400 naming every missing feature column, and what was read. */
    static int[] featureColumns(ModelSignature signature, List<String> header, CsvSeparator separator) {
        return featureColumns(
                signature,
                header,
                feature -> "the CSV header has no column '" + feature
                        + "'; read as " + separator.description + ", its columns are " + header + "; it needs "
                        + signature.featureNames() + " (separated by commas, semicolons or tabs)");
    }

    /**
     * Where each feature sits among an input's columns, whatever its format; a 400 naming every missing feature.
     *
     * @param missing what a missing feature's error says, in the input's words
     */
    public static int[] featureColumns(
            ModelSignature signature, List<String> columns, java.util.function.UnaryOperator<String> missing) {
        List<String> features = signature.featureNames();
        int[] at = new int[features.size()];
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            at[i] = columns.indexOf(features.get(i));
            if (at[i] < 0) {
                problems.add(new FieldProblem(features.get(i), missing.apply(features.get(i)), null));
            }
        }
        if (!problems.isEmpty()) {
            throw RowsException.invalidFields(problems);
        }
        return at;
    }

    /**
     * The header's columns the model does not take, in file order: ignored (their cells are carried through to a CSV
     * answer) and named once in a JSON answer's warnings. pandas' unnamed index column is not one of them.
     */
    static List<String> ignored(ModelSignature signature, List<String> header, boolean unnamedIndex) {
        List<String> ignored = new ArrayList<>();
        java.util.Set<String> features = new java.util.HashSet<>(signature.featureNames());
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (!features.contains(name) && !(name.isEmpty() && i == 0 && unnamedIndex)) {
                ignored.add(name);
            }
        }
        return List.copyOf(ignored);
    }
}
