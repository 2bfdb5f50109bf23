package org.tabserve.cli;

import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.tabserve.model.Model;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.write.CsvAnswer;

/**
 * {@code score}: a CSV scored to a CSV with no server, with the answer {@code POST /predict_file} gives for
 * {@code Accept: text/csv} (the same reader, the same writer, every core). A file named {@code .jsonl} or
 * {@code .ndjson} is read as JSON Lines and, as {@code --out}, written as JSON Lines (the same columns, one object a
 * row, {@link RowFormat}); {@code .arrows}, {@code .arrow} and {@code .feather} are Arrow IPC, and {@code .parquet}
 * Parquet, read and written without text; any other name, and stdout, is CSV. The file is read once to check every row,
 * then again to score it, so a file with a bad row writes nothing (unless {@code --on-error row}: then every row is
 * written, a bad one with its errors in its place); an output file appears complete or not at all, and
 * an output that is not a regular file (a device, a FIFO) is written through, never replaced.
 */
final class ScoreCommand extends ModelCommand {

    static final String NAME = "score";
    static final String USAGE = "usage: java -jar tabserve.war score --model MODEL.onnx --data ROWS.csv|ROWS.jsonl"
            + " --out SCORED.csv|SCORED.jsonl|- [--force] [--on-error reject|row]\n"
            + "ROWS.jsonl (or .ndjson) is read as JSON Lines, one object a row as pandas' to_json(orient=\"records\","
            + " lines=True) writes them; SCORED.jsonl (or .ndjson) is written as JSON Lines, the same columns as the"
            + " CSV's, one object a row; ROWS.arrows (or .arrow, .feather) is read as an Arrow IPC stream or file (uncompressed or LZ4),"
            + " SCORED.arrows (or .arrow) written as an Arrow IPC stream; ROWS.parquet is read as Parquet (Snappy, gzip"
            + " or uncompressed), SCORED.parquet written as Parquet (Snappy); any other name, and - (stdout), is CSV.\n"
            + "--on-error reject (the default, as every route's ?on_error) writes nothing when a row cannot be scored"
            + " and lists its bad values; --on-error row writes every row, a bad one with empty answer columns and its"
            + " errors in a last column 'error', as POST /predict_file?format=csv&on_error=row answers.";
    static final String ON_ERROR = "on-error";
    /** Said when a file with bad rows is refused, so that the user learns the way on. */
    static final String HINT =
            "pass --" + ON_ERROR + " row to write every other row, each bad row with its errors" + " in its place";

    private static final Set<String> VALUED = Set.of("model", "data", "out", ON_ERROR);

    ScoreCommand(PrintStream out, PrintStream err) {
        super(NAME, USAGE, VALUED, out, err);
    }

    @Override
    int run(Options options) throws IOException {
        Path modelFile = options.requiredPath(NAME, "model");
        Path data = options.requiredPath(NAME, "data");
        String target = options.required(NAME, "out");
        OnError onError = onError(options);
        boolean toStdout = target.equals("-");
        requireReadable(NAME, List.of(data)); // the model is checked by its load, as the server checks it
        Path file = toStdout ? null : Path.of(target).toAbsolutePath();
        if (file != null) {
            requireWritable(NAME, target, file);
            if (Files.exists(file)
                    && (Files.isSameFile(file, data) || Files.exists(modelFile) && Files.isSameFile(file, modelFile))) {
                throw CommandException.refused(NAME + ": --out " + target + " is an input; write to another file");
            }
            if (Files.exists(file) && !options.flag("force")) {
                throw CommandException.refused(NAME + ": " + target + " exists; pass --force to replace it");
            }
            if (Files.isDirectory(file)) {
                throw CommandException.refused(NAME + ": --out " + target + " is a directory; name a file in it");
            }
        }
        RowFormat format = RowFormat.ofFileName(data.getFileName().toString()).orElse(RowFormat.CSV);
        RowFormat answer =
                toStdout ? RowFormat.CSV : RowFormat.ofFileName(target).orElse(RowFormat.CSV);
        try (Model model = load(NAME, modelFile)) {
            long start = System.nanoTime();
            Progress progress = new Progress(err, NAME + ": " + data.getFileName(), Files.size(data));
            long rows;
            long[] refused = {0};
            if (toStdout) {
                rows = write(model, data, format, out, answer, onError, refused, progress);
            } else if (Files.exists(file) && !Files.isRegularFile(file)) {
                // A device or a FIFO (or a link to one) is written through: a rename would put a file in its place.
                try (OutputStream stream = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
                    rows = write(model, data, format, stream, answer, onError, refused, progress);
                }
            } else {
                // A regular file is replaced whole; through a link, the file it points to, and the link stays.
                Path replaced = Files.exists(file) ? file.toRealPath() : file;
                Path tmp = Files.createTempFile(replaced.getParent(), "." + replaced.getFileName(), ".tmp");
                try {
                    try (OutputStream stream = Files.newOutputStream(tmp)) {
                        rows = write(model, data, format, stream, answer, onError, refused, progress);
                    }
                    org.tabserve.cardmaking.CardFile.permissionsOf(data, tmp);
                    Files.move(tmp, replaced, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            err.println(String.format(
                    java.util.Locale.ROOT,
                    "%s: scored %,d rows of %s in %.1f s (%,.0f rows/s)%s",
                    NAME,
                    rows,
                    data.getFileName(),
                    seconds,
                    rows / seconds,
                    toStdout ? "" : " to " + target));
            if (onError == OnError.ROW) {
                err.println(String.format(
                        java.util.Locale.ROOT,
                        "%s: %,d of %,d rows had errors and were written" + " with them in the column '%s', unscored",
                        NAME,
                        refused[0],
                        rows,
                        CsvAnswer.ERROR_COLUMN));
            }
            return 0;
        } catch (RowsException problem) {
            throw CommandException.refused(NAME + ": " + data.getFileName() + ": " + problem.oneLine()
                    + (problem.kind() == RowsException.Kind.INVALID_FIELDS ? "; " + HINT : ""));
        }
    }

    /** {@code --on-error}, read as the routes read {@code ?on_error}. */
    private static OnError onError(Options options) {
        try {
            return OnError.parse(options.get(ON_ERROR).orElse(null));
        } catch (RowsException e) {
            throw CommandException.usage(NAME + ": --" + ON_ERROR + " takes 'row' (write every row, a bad one with its"
                    + " errors) or 'reject' (write nothing when a row is bad, the default); got '"
                    + options.get(ON_ERROR).orElse("") + "'");
        }
    }

    private static long write(
            Model model,
            Path data,
            RowFormat rows,
            OutputStream stream,
            RowFormat answer,
            OnError onError,
            long[] refused,
            Progress progress)
            throws IOException {
        long[] bytes = {0};
        Writer writer =
                new BufferedWriter(new OutputStreamWriter(new NonClosing(stream), StandardCharsets.UTF_8), 1 << 16);
        refused[0] = CsvScoring.writeScored(
                model,
                () -> {
                    CountingInput counting = new CountingInput(Files.newInputStream(data));
                    return new BufferedInputStream(
                            new java.io.FilterInputStream(counting) {
                                @Override
                                public int read(byte[] b, int off, int len) throws IOException {
                                    int n = super.read(b, off, len);
                                    bytes[0] = counting.count();
                                    return n;
                                }
                            },
                            1 << 16);
                },
                rows,
                answer.isBinary() ? answer.writer(new NonClosing(stream)) : answer.writer(writer),
                onError,
                written -> progress.rows(written, bytes[0]));
        progress.done(bytes[0]);
        return progress.rowCount();
    }

    /** Keeps stdout open when the answer's writer is closed. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
