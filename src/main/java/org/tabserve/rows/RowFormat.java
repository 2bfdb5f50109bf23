package org.tabserve.rows;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.arrow.ArrowRowsReader;
import org.tabserve.rows.csv.CsvRowsParser;
import org.tabserve.rows.json.JsonLinesReader;
import org.tabserve.rows.parquet.ParquetRowsReader;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.rows.write.ArrowRowsWriter;
import org.tabserve.rows.write.CsvRowsWriter;
import org.tabserve.rows.write.JsonLinesWriter;
import org.tabserve.rows.write.ParquetRowsWriter;
import org.tabserve.rows.write.RowsWriter;

/**
 * The formats rows come in and answers go out in (CSV, Arrow IPC, Parquet, JSON Lines), one line each: the word
 * {@code ?format=} names it by, the media types a request names it by, the file name endings a file is known by, its
 * reader ({@link RowsReader}) and its writer ({@link RowsWriter}); an {@code Accept} is answered in the first it asks
 * for ({@link #accepted}). The routes and the {@code score} command pick a format here and use nothing
 * format-specific.
 */
public enum RowFormat {
    // In the order an Accept naming several is answered (accepted): CSV, then Arrow, Parquet, JSON Lines.
    CSV("csv", List.of("text/csv"), List.of(".csv", ".tsv", ".txt"), CsvRowsParser::new, CsvRowsWriter::new),
    ARROW(
            "arrow",
            List.of(ArrowRowsReader.MEDIA_TYPE, ArrowRowsReader.FILE_MEDIA_TYPE),
            List.of(".arrows", ".arrow", ".feather"),
            (signature, maxRows, unnamedIndex) -> new ArrowRowsReader(signature, maxRows),
            (OutputStream out) -> new ArrowRowsWriter(out)),
    PARQUET(
            "parquet",
            // MLflow's scoring server names Parquet bodies application/x-parquet (mlflow#20630).
            List.of(ParquetRowsReader.MEDIA_TYPE, ParquetRowsReader.MLFLOW_MEDIA_TYPE),
            List.of(".parquet"),
            (signature, maxRows, unnamedIndex) -> new ParquetRowsReader(signature, maxRows),
            // Lambdas, not constructor references: parquet-java's classes load on a first Parquet file, not at start.
            (OutputStream out) -> new ParquetRowsWriter(out)),
    JSON_LINES(
            "jsonl",
            List.of(JsonLinesReader.MEDIA_TYPE, "application/jsonl"),
            List.of(".jsonl", ".ndjson"),
            (signature, maxRows, unnamedIndex) -> new JsonLinesReader(signature, maxRows),
            JsonLinesWriter::new);

    /** Makes a format's reader. */
    private interface ReaderMaker {
        RowsReader make(ModelSignature signature, long maxRows, boolean unnamedIndex);
    }

    /** Makes a format's writer. */
    private interface WriterMaker {
        RowsWriter make(Writer out);
    }

    /** Makes a binary format's writer. */
    private interface BytesWriterMaker {
        RowsWriter make(OutputStream out);
    }

    /** The word {@code ?format=} names its answer by. */
    private final String word;

    /** The media types that name it, the usual one first. */
    private final List<String> mediaTypes;

    private final List<String> endings;
    private final ReaderMaker reader;
    private final WriterMaker writer;
    private final BytesWriterMaker bytesWriter;

    RowFormat(String word, List<String> mediaTypes, List<String> endings, ReaderMaker reader, WriterMaker writer) {
        this.word = word;
        this.mediaTypes = mediaTypes;
        this.endings = endings;
        this.reader = reader;
        this.writer = writer;
        this.bytesWriter = null;
    }

    RowFormat(
            String word,
            List<String> mediaTypes,
            List<String> endings,
            ReaderMaker reader,
            BytesWriterMaker bytesWriter) {
        this.word = word;
        this.mediaTypes = mediaTypes;
        this.endings = endings;
        this.reader = reader;
        this.writer = null;
        this.bytesWriter = bytesWriter;
    }

    /** @return the media type that names the format */
    public String mediaType() {
        return mediaTypes.get(0);
    }

    /**
     * A reader of this format for {@code signature}.
     *
     * @param unnamedIndex whether a CSV's first column may have no name (pandas' {@code to_csv()} index; MLflow's
     *                     CSV bodies); other formats have no such column
     */
    public RowsReader reader(ModelSignature signature, long maxRows, boolean unnamedIndex) {
        return reader.make(signature, maxRows, unnamedIndex);
    }

    /** @return a reader of this format for {@code signature}, with no unnamed index column */
    public RowsReader reader(ModelSignature signature, long maxRows) {
        return reader(signature, maxRows, false);
    }

    /**
     * @return a writer of answers in this format to {@code out}, which closing it closes
     * @throws IllegalStateException for a binary format ({@link #isBinary()}), which writes bytes
     */
    public RowsWriter writer(Writer out) {
        if (writer == null) {
            throw new IllegalStateException(this + " answers are bytes; write them to an OutputStream");
        }
        return writer.make(out);
    }

    /** @return a writer of answers in this format to {@code out} (UTF-8 text, or bytes), which closing it closes */
    public RowsWriter writer(OutputStream out) {
        if (writer == null) {
            return bytesWriter.make(out);
        }
        return writer.make(new java.io.BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16));
    }

    /**
     * @return the heap a writer of this format holds at its most beyond the row being written, to be reserved from
     *         the request's budget before it starts: Parquet's buffered row group (twice its bound, for the pages
     *         and their compressed copy); the other formats write a row or a chunk at a time
     */
    public long writerHeldBytes() {
        return this == PARQUET ? 2 * ParquetRowsWriter.ROW_GROUP_BYTES : 0;
    }

    /**
     * @return whether an {@code Accept} header asks for the bytes this format's writer writes, by any of their names in
     *         any case (media types are case-insensitive, RFC 9110 §8.3.1); Arrow's file format, which is read but not
     *         written, is not such a name
     */
    public boolean askedIn(String accept) {
        if (accept == null) {
            return false;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        List<String> written = this == ARROW ? List.of(mediaType()) : mediaTypes;
        return written.stream().anyMatch(lower::contains);
    }

    /** @return the word {@code ?format=} names the format's answer by: csv, jsonl, arrow, parquet */
    public String word() {
        return word;
    }

    /** @return the format {@code ?format=}'s word names (its case and spaces aside), if any */
    public static Optional<RowFormat> ofWord(String word) {
        String sent = word.strip().toLowerCase(Locale.ROOT);
        return Stream.of(values()).filter(format -> format.word().equals(sent)).findFirst();
    }

    /**
     * The answer's format an {@code Accept} header asks for ({@link #askedIn}), negotiated once for every route that
     * answers a table: the first of the formats, in their order (CSV, Arrow, Parquet, JSON Lines), that it asks for.
     *
     * @return the format asked for, or empty when it asks for none (the route answers JSON, or its page)
     */
    public static Optional<RowFormat> accepted(String accept) {
        return Stream.of(values()).filter(format -> format.askedIn(accept)).findFirst();
    }

    /** @return whether the format's files are bytes rather than text (Arrow, Parquet) */
    public boolean isBinary() {
        return writer == null;
    }

    /** @return the format a media type names (its parameters and case aside), if any */
    public static Optional<RowFormat> ofMediaType(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        String type = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        for (RowFormat format : values()) {
            if (format.mediaTypes.contains(type)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** @return the format a file name's ending names, if any */
    public static Optional<RowFormat> ofFileName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (RowFormat format : values()) {
            if (format.endings.stream().anyMatch(lower::endsWith)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
