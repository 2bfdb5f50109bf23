package org.tabserve.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.csv.CsvFiles;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;

/**
 * The {@code card} command's passes over a labelled CSV: each reads the file with the server's CSV reader in checked
 * chunks, with progress on the error stream, recodes the labels as the class names say, and either hands the chunks on
 * (the file's SHA-256 taken on the way) or scores them with the model first. A file's problem ends the pass with one
 * line naming the file.
 */
final class CardPasses {

    /** Receives a chunk of checked rows with their labels. */
    interface ChunkSink {
        /** @param numbers each row's number in the file, for messages about it */
        void accept(Batch batch, List<String> labels, long[] numbers) throws IOException;
    }

    /** Receives a chunk of checked rows with their labels and the model's answers. */
    interface ScoredSink {
        /** @param numbers each row's number in the file, for messages about it */
        void accept(Batch batch, List<String> labels, long[] numbers, List<Prediction> predictions);
    }

    private final PrintStream err;
    private final Model model;
    private final String label;
    private final NameOptions.ClassNames names;
    private final OnError onError;

    CardPasses(PrintStream err, Model model, String label, NameOptions.ClassNames names, OnError onError) {
        this.err = err;
        this.model = model;
        this.label = label;
        this.names = names;
        this.onError = onError;
    }

    /** One reading pass over {@code file}, with progress; @return the file's SHA-256 */
    String read(Path file, String what, ChunkSink sink, CardSkips skips) throws IOException {
        MessageDigest digest = sha256();
        Progress progress = new Progress(err, CardCommand.NAME + ": " + what, Files.size(file));
        try (CountingInput counting = new CountingInput(Files.newInputStream(file));
                InputStream in = new DigestInputStream(new BufferedInputStream(counting, 1 << 16), digest)) {
            // The reader closes what it read; the rest of the file still goes through the digest after it.
            CsvFiles.read(
                    model.signature(),
                    new java.io.FilterInputStream(in) {
                        @Override
                        public void close() {}
                    },
                    label,
                    onError,
                    (batch, labels, numbers) -> {
                        sink.accept(batch, names.recode(labels), numbers);
                        progress.rows(batch.size(), counting.count());
                    },
                    skips::accept);
            in.transferTo(java.io.OutputStream.nullOutputStream()); // the digest covers the whole file
            progress.done(counting.count());
        } catch (RowsException problem) {
            throw refused(file, problem, model);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A pass that scores every chunk and gives it to the card's details: their rows, then their answers. */
    void score(Path file, String what, CardDetails sink, CardSkips skips) throws IOException {
        score(
                file,
                what,
                (batch, labels, numbers, predictions) -> {
                    sink.accept(batch, labels, numbers);
                    sink.score(labels, predictions, numbers);
                },
                skips);
    }

    /** A pass that scores every chunk with the model, on every core, and hands on the rows with their answers. */
    void score(Path file, String what, ScoredSink sink, CardSkips skips) throws IOException {
        Progress progress = new Progress(err, CardCommand.NAME + ": " + what, Files.size(file));
        try (CountingInput counting = new CountingInput(Files.newInputStream(file));
                InputStream in = new BufferedInputStream(counting, 1 << 16)) {
            CsvScoring.score(
                    model,
                    in,
                    label,
                    onError,
                    (batch, cells, numbers, predictions) -> {
                        sink.accept(batch, names.recode(cells), numbers, predictions);
                        progress.rows(batch.size(), counting.count());
                    },
                    skips::accept);
            progress.done(counting.count());
        } catch (RowsException problem) {
            throw refused(file, problem, model);
        }
    }

    /** A file's refusal in one line; for bad rows (in strict mode), with the way on. */
    static CommandException refused(Path file, RowsException problem) {
        return refused(file, problem, null);
    }

    /**
     * ... with, for an empty cell of one of the model's text inputs, {@code --text-missing-as} beside
     * {@code --skip-invalid}.
     */
    static CommandException refused(Path file, RowsException problem, Model model) {
        boolean badValues = problem.kind() == RowsException.Kind.INVALID_FIELDS;
        String text = badValues && model != null ? TextMissingAs.wayOn(model, problem.errors()) : "";
        return CommandException.refused(CardCommand.NAME + ": " + file.getFileName() + ": " + problem.oneLine()
                + (badValues ? "; " + text + CardCommand.HINT : ""));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
