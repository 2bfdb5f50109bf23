package org.tabserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * {@code log-csv}: one model's rows from a prediction log directory ({@code --prediction-log DIR}), oldest first
 * across its rolled files, as a CSV of the model's columns plus what it answered ({@code predicted}) and where the row
 * came from ({@code request_id}, {@code time}), so that the rows the model met in service can be labelled (add a column
 * with the true answers) and carded ({@code card --data ROWS.csv --label COLUMN}): the card then measures the model on
 * the data it serves.
 */
final class LogCsvCommand extends ModelCommand {

    static final String NAME = "log-csv";
    static final String USAGE = "usage: java -jar tabserve.war log-csv --model NAME --log DIR --out ROWS.csv|-"
            + " [--version V] [--force]\n"
            + "Writes the rows model NAME scored, as the prediction log (--prediction-log DIR) holds them, oldest first:"
            + " its columns (a masked column is left empty), then predicted, request_id and time. Add a column of true"
            + " answers and run card --data ROWS.csv --label THAT_COLUMN to measure the model on what it serves.";
    /** The columns after the model's. */
    static final List<String> ADDED = List.of("predicted", "request_id", "time");
    private static final Set<String> VALUED = Set.of("log", "model", "out", "version");
    private static final Pattern ROLLED = Pattern.compile("predictions\\.(\\d+)\\.jsonl\\.gz");
    private static final String ACTIVE = "predictions.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    LogCsvCommand(PrintStream out, PrintStream err) {
        super(NAME, USAGE, VALUED, out, err);
    }

    @Override
    int run(Options options) throws IOException {
        Path log = Path.of(options.required(NAME, "log"));
        String model = options.required(NAME, "model");
        String version = options.get("version").orElse(null);
        String target = options.required(NAME, "out");
        if (!Files.isDirectory(log)) {
            throw CommandException.refused(NAME + ": --log " + log + " is not a directory");
        }
        List<Path> files = files(log);
        if (files.isEmpty()) {
            throw CommandException.refused(NAME + ": " + log + " holds no prediction log (" + ACTIVE + " or"
                    + " predictions.N.jsonl.gz)");
        }
        Path file = target.equals("-") ? null : Path.of(target);
        if (file != null && Files.exists(file) && !options.flag("force")) {
            throw CommandException.refused(NAME + ": " + target + " exists; pass --force to replace it");
        }
        Rows rows = new Rows(model, version);
        try (Writer writer = file == null ? new OutputStreamWriter(out, StandardCharsets.UTF_8)
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
                + (file == null ? "" : " to " + target) + (rows.masked.isEmpty() ? ""
                : "; the masked column(s) " + rows.masked + " are empty: card needs them filled, or a model without them"));
        return 0;
    }

    /** The log's files, oldest first: the rolled ones from the highest number down, then the one being written. */
    private static List<Path> files(Path log) throws IOException {
        List<Path> rolled = new ArrayList<>();
        try (Stream<Path> listed = Files.list(log)) {
            listed.filter(p -> ROLLED.matcher(p.getFileName().toString()).matches()).forEach(rolled::add);
        }
        rolled.sort(Comparator.comparingLong((Path p) -> {
            Matcher m = ROLLED.matcher(p.getFileName().toString());
            return m.matches() ? -Long.parseLong(m.group(1)) : 0;
        }));
        if (Files.isRegularFile(log.resolve(ACTIVE))) {
            rolled.add(log.resolve(ACTIVE));
        }
        return rolled;
    }

    /** The model's rows, written as they are read; the columns are those of its first row. */
    private final class Rows {
        final String model;
        final String version;
        final Set<String> others = new TreeSet<>();
        List<String> columns;
        List<String> masked = List.of();
        CSVPrinter printer;
        long written;

        Rows(String model, String version) {
            this.model = model;
            this.version = version;
        }

        void read(Path file, Writer writer) throws IOException {
            try (InputStream raw = Files.newInputStream(file);
                 BufferedReader in = new BufferedReader(new InputStreamReader(file.toString().endsWith(".gz")
                         ? new GZIPInputStream(raw) : raw, StandardCharsets.UTF_8))) {
                long number = 0;
                for (String text = in.readLine(); text != null; text = in.readLine()) {
                    number++;
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
                    if (!name.equals(model) || version != null && !line.path("version").asText().equals(version)) {
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
                printer = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build().print(writer);
                printer.printRecord(header);
            } else if (!columns.equals(lineColumns)) {
                throw CommandException.refused(NAME + ": " + file.getFileName() + " line " + number + " has the columns "
                        + lineColumns + ", the rows before it " + columns + " (another version of " + model + "?);"
                        + " pass --version to take one");
            }
            List<String> record = new ArrayList<>(columns.size() + ADDED.size());
            for (String column : columns) {
                JsonNode value = line.path("inputs").path(column);
                record.add(value.isMissingNode() || value.isNull() ? "" : value.asText());
            }
            JsonNode outputs = line.path("outputs");
            record.add(outputs.has("label") ? outputs.path("label").asText() : outputs.path("value").asText());
            record.add(line.path("request_id").asText());
            record.add(line.path("time").asText());
            printer.printRecord(record);
            written++;
        }
    }
}
