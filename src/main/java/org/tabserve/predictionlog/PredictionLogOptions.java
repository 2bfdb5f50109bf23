package org.tabserve.predictionlog;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.tabserve.model.WholeNumbers;

/**
 * The prediction log's settings, read by the web app's one settings lookup (init-parameter, system property,
 * environment) and checked at start-up, so that a wrong value stops the server with its name rather than logging
 * nothing.
 *
 * @param directory    where the log's files are written (made if missing)
 * @param sample       the share of requests logged, in (0, 1]: each request is logged whole or not at all
 * @param mask         the input columns whose values are never written (names a model does not have are skipped)
 * @param maxFileBytes the size at which the current file is rolled over to a numbered, gzipped one
 * @param maxFiles     how many rolled files are kept (1 to 20); the oldest goes first
 * @param queueRows    the most rows waiting to be written; a request that would pass it is not logged, and counted
 * @param queueBytes   the most heap the rows waiting to be written may hold, when set; unset, the web app sets aside a
 *                     share of its memory budget ({@link PredictionLog#start(PredictionLogOptions, long)} takes the
 *                     bound in bytes either way)
 */
public record PredictionLogOptions(
        Path directory,
        double sample,
        Set<String> mask,
        long maxFileBytes,
        int maxFiles,
        int queueRows,
        OptionalLong queueBytes) {

    /** The directory to write the log to; unset (the default) turns the log off. */
    public static final String DIRECTORY = "tabserve.prediction-log";
    /** The share of requests logged, from 0 (exclusive) to 1 (the default: every request). */
    public static final String SAMPLE = "tabserve.prediction-log-sample";
    /** Comma-separated input columns whose values are left out of the log. */
    public static final String MASK = "tabserve.prediction-log-mask";
    /** The size of one file before it is rolled over (default 64 MiB). */
    public static final String MAX_FILE_BYTES = "tabserve.prediction-log-max-file-bytes";
    /** How many rolled-over files are kept (default 10, at most 20). */
    public static final String MAX_FILES = "tabserve.prediction-log-max-files";
    /** The most rows waiting for the writer (default 10,000); beyond, requests are not logged and are counted. */
    public static final String QUEUE_ROWS = "tabserve.prediction-log-queue-rows";
    /**
     * The most heap the rows waiting for the writer may hold, in bytes (default: an eighth of the memory requests
     * share); beyond, requests are not logged and are counted.
     */
    public static final String QUEUE_BYTES = "tabserve.prediction-log-queue-bytes";

    /** The most rolled files kept: each rollover renames them all, so a few, not hundreds. */
    static final int MAX_WINDOW = 20;

    public PredictionLogOptions {
        if (!(sample > 0 && sample <= 1)) {
            throw new IllegalArgumentException("setting " + SAMPLE + " must be a share of requests above 0 and at most"
                    + " 1 (0.1 logs one request in ten), found " + sample);
        }
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException(
                    "setting " + MAX_FILE_BYTES + " must be at least 1024, found " + maxFileBytes);
        }
        if (maxFiles < 1 || maxFiles > MAX_WINDOW) {
            throw new IllegalArgumentException(
                    "setting " + MAX_FILES + " must be from 1 to " + MAX_WINDOW + ", found " + maxFiles);
        }
        if (queueRows < 1) {
            throw new IllegalArgumentException(
                    "setting " + QUEUE_ROWS + " must be a positive whole number, found " + queueRows);
        }
        if (queueBytes.isPresent() && queueBytes.getAsLong() < 1024) {
            throw new IllegalArgumentException(
                    "setting " + QUEUE_BYTES + " must be at least 1024, found " + queueBytes.getAsLong());
        }
        mask = Set.copyOf(mask);
    }

    /** Settings whose queue's bytes the web app chooses. */
    public PredictionLogOptions(
            Path directory, double sample, Set<String> mask, long maxFileBytes, int maxFiles, int queueRows) {
        this(directory, sample, mask, maxFileBytes, maxFiles, queueRows, OptionalLong.empty());
    }

    /**
     * @param lookup a setting's value by its name, empty when unset
     * @return the log's settings; empty when {@link #DIRECTORY} is unset (then any other of its settings is refused,
     *         so that a log thought to be on is not silently off)
     */
    public static Optional<PredictionLogOptions> resolve(Function<String, Optional<String>> lookup) {
        Optional<String> directory = lookup.apply(DIRECTORY);
        if (directory.isEmpty()) {
            for (String other : new String[] {SAMPLE, MASK, MAX_FILE_BYTES, MAX_FILES, QUEUE_ROWS, QUEUE_BYTES}) {
                if (lookup.apply(other).isPresent()) {
                    throw new IllegalArgumentException("setting " + other + " needs " + DIRECTORY
                            + " (the directory to log to), which is not set");
                }
            }
            return Optional.empty();
        }
        Set<String> mask = new LinkedHashSet<>();
        lookup.apply(MASK)
                .ifPresent(text -> Arrays.stream(text.split(","))
                        .map(String::strip)
                        .filter(name -> !name.isEmpty())
                        .forEach(mask::add));
        return Optional.of(new PredictionLogOptions(
                Path.of(directory.get()),
                lookup.apply(SAMPLE).map(text -> number(SAMPLE, text)).orElse(1.0),
                mask,
                lookup.apply(MAX_FILE_BYTES)
                        .map(text -> whole(MAX_FILE_BYTES, text))
                        .orElse(64L << 20),
                (int) Math.min(
                        Integer.MAX_VALUE,
                        lookup.apply(MAX_FILES)
                                .map(text -> whole(MAX_FILES, text))
                                .orElse(10L)),
                (int) Math.min(
                        Integer.MAX_VALUE,
                        lookup.apply(QUEUE_ROWS)
                                .map(text -> whole(QUEUE_ROWS, text))
                                .orElse(10_000L)),
                lookup.apply(QUEUE_BYTES)
                        .map(text -> OptionalLong.of(whole(QUEUE_BYTES, text)))
                        .orElse(OptionalLong.empty())));
    }

    private static double number(String key, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a number, found '" + text + "'");
        }
    }

    private static long whole(String key, String text) {
        try {
            return WholeNumbers.parse(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a whole number, found '" + text + "'");
        }
    }
}
