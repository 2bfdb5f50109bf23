package org.tabserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.tabserve.model.WholeNumbers;

/**
 * {@code log-csv}: one model's rows from a prediction log directory ({@code --prediction-log DIR}), oldest first
 * across its rolled files, as a CSV of the model's columns plus what it answered ({@code predicted}) and where the row
 * came from ({@code request_id}, {@code time}, the {@code version} that answered it), so that the rows the model met in service can be labelled (add a column
 * with the true answers) and carded ({@code card --data ROWS.csv --label COLUMN}): the card then measures the model on
 * the data it serves.
 */
final class LogCsvCommand extends ModelCommand {

    static final String NAME = "log-csv";
    /**
     * The longest log line read, by default: a row of the widest model with every text value at the server's longest
     * ({@code Feature.MAX_TEXT_LENGTH}) fits many times over, and the line, its text and its JSON tree together stay a
     * fraction of a 128 MB heap (a 300 MB line read whole ended the command with an OutOfMemoryError).
     */
    static final int DEFAULT_MAX_LINE_BYTES = 8 << 20;

    static final String USAGE = "usage: java -jar tabserve.war log-csv --model NAME --log DIR --out ROWS.csv|-"
            + " [--version V] [--max-line-bytes N] [--force]\n"
            + "Writes the rows model NAME scored, as the prediction log (--prediction-log DIR) holds them, oldest first:"
            + " its columns (a masked column is left empty), then predicted, request_id, time and version (the one that"
            + " answered: a canary's log mixes two). Add a column of true"
            + " answers and run card --data ROWS.csv --label THAT_COLUMN to measure the model on what it serves.\n"
            + "A text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a return, and not"
            + " a number) is written with a ' in front. A log line longer than --max-line-bytes (default "
            + (DEFAULT_MAX_LINE_BYTES >> 20) + " MiB) is left out and said.";
    /** The columns after the model's. */
    static final List<String> ADDED = List.of("predicted", "request_id", "time", "version");

    private static final Set<String> VALUED = Set.of("log", "model", "out", "version", "max-line-bytes");
    private static final Pattern ROLLED = Pattern.compile("predictions\\.(\\d{1,9})\\.jsonl\\.gz");
    private static final String ACTIVE = "predictions.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A plain decimal number, as the log writes one: digits, a point, an exponent; nothing a formula could hide. */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    LogCsvCommand(PrintStream out, PrintStream err) {
        super(NAME, USAGE, VALUED, out, err);
    }

    @Override
    int run(Options options) throws IOException {
        Path log = Path.of(options.required(NAME, "log"));
        String model = options.required(NAME, "model");
        String version = options.get("version").orElse(null);
        String target = options.required(NAME, "out");
        int maxLineBytes = maxLineBytes(options);
        if (!Files.isDirectory(log)) {
            throw CommandException.refused(NAME + ": --log " + log + " is not a directory");
        }
        List<Path> files = files(log);
        if (files.isEmpty()) {
            throw CommandException.refused(
                    NAME + ": " + log + " holds no prediction log (" + ACTIVE + " or" + " predictions.N.jsonl.gz)");
        }
        Path file = target.equals("-") ? null : Path.of(target);
        if (file != null && Files.exists(file) && !options.flag("force")) {
            throw CommandException.refused(NAME + ": " + target + " exists; pass --force to replace it");
        }
        Rows rows = new Rows(model, version, maxLineBytes);
        try (Writer writer = file == null
                ? new OutputStreamWriter(out, StandardCharsets.UTF_8)
                : Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Path each : files) {
                rows.read(each, writer);
            }
            if (rows.printer != null) {
                rows.printer.flush();
            }
        }
        if (rows.written == 0) {
            if (file != null) {
                Files.deleteIfExists(file);
            }
            throw CommandException.refused(NAME + ": the log in " + log + " has no row of model " + model
                    + (version == null ? "" : " version " + version) + "; it has rows of " + rows.others);
        }
        err.println(NAME + ": " + rows.written + " rows of " + model + " from " + files.size() + " file(s) of " + log
                + (file == null ? "" : " to " + target)
                + (rows.masked.isEmpty()
                        ? ""
                        : "; the masked column(s) " + rows.masked
                                + " are empty: card needs them filled, or a model without them"));
        return 0;
    }

    private static int maxLineBytes(Options options) {
        String text = options.get("max-line-bytes").orElse(null);
        if (text == null) {
            return DEFAULT_MAX_LINE_BYTES;
        }
        try {
            long bytes = WholeNumbers.parse(text);
            if (bytes >= 1024 && bytes <= Integer.MAX_VALUE - 8) {
                return (int) bytes;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw CommandException.usage(NAME + ": --max-line-bytes must be a whole number from 1024 to "
                + (Integer.MAX_VALUE - 8) + ", found '" + text + "'");
    }

    /**
     * A cell as a spreadsheet shows it rather than runs it: text starting with what makes Excel, LibreOffice or Sheets
     * read a formula ({@code = + - @}, a tab or a carriage return; OWASP's "CSV injection") gets a {@code '} in front,
     * which they show as text. A number ({@code -3.5}, {@code +1e3}) is left alone, so that {@code card} reads it.
     */
    static String spreadsheetSafe(String cell) {
        if (cell.isEmpty() || "=+-@\t\r".indexOf(cell.charAt(0)) < 0 || isNumber(cell)) {
            return cell;
        }
        return "'" + cell;
    }

    private static boolean isNumber(String cell) {
        if (!NUMBER.matcher(cell).matches()) {
            return false;
        }
        try {
            Double.parseDouble(cell);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The log's files, oldest first: the rolled ones from the highest number down, then the one being written. A
     * link among them is left out, and said: the server never writes through one, so it is none of the log's.
     */
    private List<Path> files(Path log) throws IOException {
        List<Path> rolled = new ArrayList<>();
        try (Stream<Path> listed = Files.list(log)) {
            listed.filter(p -> ROLLED.matcher(p.getFileName().toString()).matches()
                            || p.getFileName().toString().equals(ACTIVE))
                    .sorted()
                    .forEach(p -> {
                        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                            rolled.add(p);
                        } else {
                            err.println(NAME + ": " + p.getFileName() + " is a link or no regular file; left out");
                        }
                    });
        }
        rolled.sort(Comparator.comparingLong((Path p) -> {
            Matcher m = ROLLED.matcher(p.getFileName().toString());
            return m.matches() ? -Long.parseLong(m.group(1)) : 0; // the active file last
        }));
        return rolled;
    }

    /** The model's rows, written as they are read; the columns are those of its first row. */
    private final class Rows {
        final String model;
        final String version;
        final int maxLineBytes;
        final Set<String> others = new TreeSet<>();
        List<String> columns;
        List<String> masked = List.of();
        CSVPrinter printer;
        long written;

        Rows(String model, String version, int maxLineBytes) {
            this.model = model;
            this.version = version;
            this.maxLineBytes = maxLineBytes;
        }

        void read(Path file, Writer writer) throws IOException {
            try (InputStream raw = Files.newInputStream(file);
                    BoundedLines in = new BoundedLines(
                            file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, maxLineBytes)) {
                long number = 0;
                for (String text = in.next(); text != null; text = in.next()) {
                    number++;
                    if (text == BoundedLines.TOO_LONG) {
                        err.println(NAME + ": " + file.getFileName() + " line " + number + " is longer than "
                                + maxLineBytes + " bytes (--max-line-bytes); left out");
                        continue;
                    }
                    JsonNode line;
                    try {
                        line = JSON.readTree(text);
                    } catch (IOException e) {
                        // a line cut short by a crash: said, not silently left out
                        err.println(NAME + ": " + file.getFileName() + " line " + number + " is not a whole JSON line;"
                                + " left out");
                        continue;
                    }
                    String name = line.path("model").asText();
                    if (!name.equals(model)
                            || version != null && !line.path("version").asText().equals(version)) {
                        others.add(name + " version " + line.path("version").asText());
                        continue;
                    }
                    write(line, file, number, writer);
                }
            }
        }

        private void write(JsonNode line, Path file, long number, Writer writer) throws IOException {
            List<String> inputs = new ArrayList<>();
            line.path("inputs").fieldNames().forEachRemaining(inputs::add);
            List<String> lineMasked = new ArrayList<>();
            line.path("masked").forEach(m -> lineMasked.add(m.asText()));
            List<String> lineColumns = new ArrayList<>(inputs);
            lineColumns.addAll(lineMasked);
            if (columns == null) {
                columns = lineColumns;
                masked = lineMasked;
                List<String> header = new ArrayList<>(columns);
                header.addAll(ADDED);
                header.replaceAll(LogCsvCommand::spreadsheetSafe); // a column's name is a client's text too
                printer = CSVFormat.DEFAULT
                        .builder()
                        .setRecordSeparator('\n')
                        .build()
                        .print(writer);
                printer.printRecord(header);
            } else if (!columns.equals(lineColumns)) {
                throw CommandException.refused(NAME + ": " + file.getFileName() + " line " + number
                        + " has the columns "
                        + lineColumns + ", the rows before it " + columns + " (another version of " + model + "?);"
                        + " pass --version to take one");
            }
            List<String> record = new ArrayList<>(columns.size() + ADDED.size());
            for (String column : columns) {
                JsonNode value = line.path("inputs").path(column);
                record.add(value.isMissingNode() || value.isNull() ? "" : spreadsheetSafe(value.asText()));
            }
            JsonNode outputs = line.path("outputs");
            record.add(spreadsheetSafe(
                    outputs.has("label")
                            ? outputs.path("label").asText()
                            : outputs.path("value").asText()));
            record.add(spreadsheetSafe(line.path("request_id").asText()));
            record.add(spreadsheetSafe(line.path("time").asText()));
            record.add(spreadsheetSafe(line.path("version").asText()));
            printer.printRecord(record);
            written++;
        }
    }
}
