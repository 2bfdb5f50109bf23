package org.tabserve.web.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.ChunkScorer;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.rows.write.CsvAnswer;
import org.tabserve.rows.write.RowsWriter;

/**
 * A checked CSV upload scored for the browser ({@code ?format=html}): every row scored once (with
 * {@code on_error=row}, a bad row kept with its errors in its place), the first
 * {@value #PREVIEW_ROWS} kept with the values the model took, and the whole CSV answer (up to {@value #DOWNLOAD_CAP}
 * bytes) for a download. The upload route hands it to an {@link UploadView}, which only draws it.
 *
 * @param model      the model that scored the upload
 * @param fileName   the uploaded file's name, as the browser sent it; may be null
 * @param rowCount   how many data rows were answered (scored, or with {@code on_error=row} told their errors)
 * @param warnedRows how many of them have a value outside the training range
 * @param errorRows  how many of them were not scored for their errors (only with {@code on_error=row})
 * @param rows       the first rows
 * @param csv        the whole CSV answer, or null when it is larger than {@link #DOWNLOAD_CAP}
 * @param ignored    the file's columns the model does not take: not in the table, carried through to the download
 * @param renamed    the file's columns named as one of the answer's, each with the name it has in the download
 *                   ({@link RowsWriter#inputNames}), in the file's order
 * @param shape      what the answer's rows carry ({@link org.tabserve.model.answer.AnswerField#present})
 * @param inPlace    whether bad rows are answered in their place ({@code on_error=row})
 * @param source     the answer's request-level values: which model file gave it
 */
public record UploadPreview(
        Model model,
        String fileName,
        long rowCount,
        long warnedRows,
        long errorRows,
        List<Row> rows,
        byte[] csv,
        List<String> ignored,
        Map<String, String> renamed,
        AnswerShape shape,
        boolean inPlace,
        AnswerSource source) {

    /** Rows kept for the page's table. */
    public static final int PREVIEW_ROWS = 10;
    /** The largest CSV answer kept for the download. */
    public static final int DOWNLOAD_CAP = 4 << 20;
    /**
     * Heap a preview and its page hold at most for the download, for the memory budget: the capped buffer, its Base64
     * text, the data URL built from it, and the rendered page that carries it.
     */
    static final long HELD_BYTES = 4L * DOWNLOAD_CAP;

    /**
     * One scored row.
     *
     * @param number     the data row's number, from 0 as every error counts it
     * @param values     each feature's value as the model took it, in the model's order: a {@code Double} or
     *                   {@code Float} for a number (null when missing), else the text as the file wrote it (a bad
     *                   row's: each as the file wrote it, empty when its row had no such cell)
     * @param prediction what the model answered; null for a bad row
     * @param warnings   the row's values outside the training range
     * @param errors     a bad row's problems, in its place; empty for a scored row
     */
    public record Row(
            long number,
            List<Object> values,
            Prediction prediction,
            List<RangeWarning> warnings,
            List<FieldProblem> errors) {}

    /**
     * Scores the checked upload on the request's thread (a preview is small) and keeps what the page shows; the
     * download gains the coverage columns when the request asked for a coverage.
     */
    static UploadPreview score(
            AnswerAssembler scores,
            ChunkScorer scorer,
            RowsReader parser,
            InputStream in,
            List<String> header,
            String fileName)
            throws IOException {
        Model classifier = scores.model();
        List<Row> rows = new ArrayList<>();
        long[] counts = new long[3]; // rows, rows with warnings, rows with errors
        CappedBuffer csv = new CappedBuffer(DOWNLOAD_CAP);
        CsvAnswer.write(
                RowFormat.CSV.writer(new OutputStreamWriter(csv, StandardCharsets.UTF_8)),
                scores.shape(),
                classifier.signature().features(),
                scores.source(),
                header,
                new CsvAnswer.RowListener() {
                    @Override
                    public void accept(RowChunk chunk, int r, Prediction prediction) {
                        long number = counts[0]++; // counted from 0, as the refused rows' places are
                        List<RangeWarning> warnings = chunk.warnings(classifier.card(), r);
                        if (!warnings.isEmpty()) {
                            counts[1]++;
                        }
                        if (rows.size() < PREVIEW_ROWS) {
                            List<Object> values = new ArrayList<>();
                            for (int f = 0; f < classifier.signature().featureCount(); f++) {
                                values.add(value(chunk, r, f));
                            }
                            rows.add(new Row(number, values, prediction, warnings, List.of()));
                        }
                    }

                    @Override
                    public void refused(RowPlace place) {
                        counts[0]++;
                        counts[2]++;
                        if (rows.size() < PREVIEW_ROWS) {
                            List<Object> values = new ArrayList<>();
                            for (Feature f : classifier.signature().features()) {
                                int column = header.indexOf(f.name());
                                List<String> cells = place.cells() == null ? List.of() : place.cells();
                                values.add(column >= 0 && column < cells.size() ? cells.get(column) : "");
                            }
                            rows.add(new Row(place.number(), values, null, List.of(), place.problems()));
                        }
                    }
                },
                parser.onError() == OnError.ROW,
                0,
                sink -> scorer.startInline(scores, sink).score(run -> parser.forEachChunk(in, run::accept)));
        return new UploadPreview(
                classifier,
                fileName,
                counts[0],
                counts[1],
                counts[2],
                rows,
                csv.overflowed() ? null : csv.toByteArray(),
                parser.ignoredColumns(),
                renamed(header, scores.shape(), parser.onError() == OnError.ROW),
                scores.shape(),
                parser.onError() == OnError.ROW,
                scores.source());
    }

    /** The file's columns whose names the answer's columns take, each with its name in the download. */
    private static Map<String, String> renamed(List<String> header, AnswerShape shape, boolean inPlace) {
        List<String> written = RowsWriter.inputNames(header, AnswerColumn.tableColumns(shape, inPlace));
        Map<String, String> renamed = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (!header.get(i).equals(written.get(i))) {
                renamed.put(header.get(i), written.get(i));
            }
        }
        return renamed;
    }

    /** A value of a row as the model took it: a number as read, text as the file wrote it. */
    private static Object value(RowChunk chunk, int row, int feature) {
        if (chunk.numbers() != null) {
            return chunk.numbers()[row][feature];
        }
        Feature f = chunk.batch().signature().features().get(feature);
        if (f.type() == ValueType.FLOAT || f.type() == ValueType.DOUBLE) {
            double value = chunk.batch().number(row, feature);
            return Double.isNaN(value) ? null : f.type() == ValueType.FLOAT ? (Object) (float) value : (Object) value;
        }
        return chunk.cell(row, f.name());
    }

    /** Keeps what is written up to a cap, then only notes that there was more. */
    private static final class CappedBuffer extends ByteArrayOutputStream {
        private final int cap;
        private boolean overflowed;

        CappedBuffer(int cap) {
            this.cap = cap;
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            if (overflowed || count + length > cap) {
                overflowed = true;
                return;
            }
            super.write(bytes, offset, length);
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        boolean overflowed() {
            return overflowed;
        }
    }
}
