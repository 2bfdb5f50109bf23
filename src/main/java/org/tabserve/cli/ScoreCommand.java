package org.tabserve.cli;

import org.tabserve.model.Model;
import org.tabserve.rows.CsvFiles;
import org.tabserve.rows.RowsException;

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

/**
 * {@code score}: a CSV scored to a CSV with no server, with the answer {@code POST /predict_file} gives for
 * {@code Accept: text/csv} (the same reader, the same writer, every core). The file is read once to check every row,
 * then again to score it, so a file with a bad row writes nothing; an output file appears complete or not at all, and
 * an output that is not a regular file (a device, a FIFO) is written through, never replaced.
 */
final class ScoreCommand extends ModelCommand {

    static final String NAME = "score";
    static final String USAGE = "usage: java -jar tabserve.war score --model MODEL.onnx --data ROWS.csv --out"
            + " SCORED.csv|- [--force]";
    private static final Set<String> VALUED = Set.of("model", "data", "out");

    ScoreCommand(PrintStream out, PrintStream err) {
        super(NAME, USAGE, VALUED, out, err);
    }

    @Override
    int run(Options options) throws IOException {
        Path modelFile = options.requiredPath(NAME, "model");
        Path data = options.requiredPath(NAME, "data");
        String target = options.required(NAME, "out");
        boolean toStdout = target.equals("-");
        requireReadable(NAME, List.of(modelFile, data));
        Path file = toStdout ? null : Path.of(target).toAbsolutePath();
        if (file != null) {
            if (Files.exists(file) && (Files.isSameFile(file, data) || Files.isSameFile(file, modelFile))) {
                throw CommandException.refused(NAME + ": --out " + target + " is an input; write to another file");
            }
            if (Files.exists(file) && !options.flag("force")) {
                throw CommandException.refused(NAME + ": " + target + " exists; pass --force to replace it");
            }
            if (Files.isDirectory(file)) {
                throw CommandException.refused(NAME + ": --out " + target + " is a directory; name a file in it");
            }
        }
        try (Model model = load(NAME, modelFile)) {
            long start = System.nanoTime();
            Progress progress = new Progress(err, NAME + ": " + data.getFileName(), Files.size(data));
            long rows;
            if (toStdout) {
                rows = write(model, data, out, progress);
            } else if (Files.exists(file) && !Files.isRegularFile(file)) {
                // A device or a FIFO (or a link to one) is written through: a rename would put a file in its place.
                try (OutputStream stream = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
                    rows = write(model, data, stream, progress);
                }
            } else {
                // A regular file is replaced whole; through a link, the file it points to, and the link stays.
                Path replaced = Files.exists(file) ? file.toRealPath() : file;
                Path tmp = Files.createTempFile(replaced.getParent(), "." + replaced.getFileName(), ".tmp");
                try {
                    try (OutputStream stream = Files.newOutputStream(tmp)) {
                        rows = write(model, data, stream, progress);
                    }
                    org.tabserve.card.CardFile.permissionsOf(data, tmp);
                    Files.move(tmp, replaced, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            err.println(String.format(java.util.Locale.ROOT, "%s: scored %,d rows of %s in %.1f s (%,.0f rows/s)%s",
                    NAME, rows, data.getFileName(), seconds, rows / seconds, toStdout ? "" : " to " + target));
            return 0;
        } catch (RowsException problem) {
            throw CommandException.refused(NAME + ": " + data.getFileName() + ": " + problem.oneLine());
        }
    }

    private static long write(Model model, Path data, OutputStream stream, Progress progress) throws IOException {
        long[] bytes = {0};
        Writer writer = new BufferedWriter(new OutputStreamWriter(new NonClosing(stream), StandardCharsets.UTF_8),
                1 << 16);
        CsvFiles.writeScored(model, () -> {
            CountingInput counting = new CountingInput(Files.newInputStream(data));
            return new BufferedInputStream(new java.io.FilterInputStream(counting) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    bytes[0] = counting.count();
                    return n;
                }
            }, 1 << 16);
        }, writer, rows -> progress.rows(rows, bytes[0]));
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
