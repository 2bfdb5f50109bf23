package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.Feature;
import org.tabserve.model.ModelCard;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;
import org.tabserve.model.RangeWarning;
import org.tabserve.model.ValueType;
import org.tabserve.rows.ChunkScorer;
import org.tabserve.rows.CsvAnswer;
import org.tabserve.rows.CsvRowsParser;
import org.tabserve.web.http.MemoryBudget;
import org.tabserve.web.api.UploadView;
import org.tabserve.web.http.ServedModels;
import org.tabserve.web.http.Views;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the {@link UploadPage} for a checked CSV upload: scores every row once, keeps the first
 * {@value #PREVIEW_ROWS} for the table and the whole CSV answer (up to {@value #DOWNLOAD_CAP} bytes) for the link.
 * Public as the CSV route's {@link UploadView}, which the listener hands it.
 */
public final class UploadPages implements UploadView {

    /** Rows shown in the table. */
    static final int PREVIEW_ROWS = 10;

    /** The largest CSV answer carried in the page as a download; bigger ones point to the Download button. */
    static final int DOWNLOAD_CAP = 4 << 20;

    /**
     * Heap a page holds at most for the download, for the {@link MemoryBudget}: the capped buffer, its Base64 text,
     * the data URL built from it, and the rendered page that carries it.
     */
    static final long HELD_BYTES = 4L * DOWNLOAD_CAP;

    private final Views views;

    /** @param views renders the page */
    public UploadPages(Views views) {
        this.views = views;
    }

    @Override
    public long heldBytes() {
        return HELD_BYTES;
    }

    @Override
    public void render(HttpServletRequest request, HttpServletResponse response, ServedModels model,
                       Model classifier, ChunkScorer scorer, CsvRowsParser parser, InputStream in,
                       List<String> header, String fileName) throws IOException {
        views.render(request, response, 200, "upload", Map.of("page",
                build(model, classifier, scorer, parser, in, header, fileName)));
    }

    static UploadPage build(ServedModels model, Model classifier, ChunkScorer scorer, CsvRowsParser parser, InputStream in,
                            List<String> header, String fileName) throws IOException {
        ModelCard card = classifier.card();
        List<String> features = classifier.signature().featureNames();
        List<String> shown = FormServlet.displayOrder(classifier);
        // The answer first: on a narrow screen the table scrolls sideways, and the prediction must stay in view.
        // A regressor's answer is one value; a classifier's a label and its probability.
        boolean regression = classifier.signature().task() == org.tabserve.model.Task.REGRESSION;
        List<String> columns = new ArrayList<>(regression ? List.of("value") : List.of("prediction", "probability"));
        columns.addAll(shown);
        List<UploadPage.Row> rows = new ArrayList<>();
        long[] counts = new long[2]; // rows, rows with warnings
        CappedBuffer csv = new CappedBuffer(DOWNLOAD_CAP);
        CsvAnswer.write(new OutputStreamWriter(csv, StandardCharsets.UTF_8), model.counter(), classifier, scorer, parser, in,
                header, (chunk, r, prediction) -> {
                    counts[0]++;
                    List<RangeWarning> warnings = chunk.warnings(card, r);
                    if (!warnings.isEmpty()) {
                        counts[1]++;
                    }
                    if (rows.size() < PREVIEW_ROWS) {
                        List<String> cells = new ArrayList<>();
                        String label = null;
                        if (prediction instanceof Prediction.Classification classification) {
                            label = classification.label();
                            cells.add(card.displayName(label));
                            cells.add(String.format(Locale.ROOT, "%.1f %%", classification.probabilityOf(label) * 100));
                        } else {
                            cells.add(Examples.text(((Prediction.Regression) prediction).value()));
                        }
                        for (String feature : shown) {
                            cells.add(cellText(chunk, r, features.indexOf(feature)));
                        }
                        rows.add(new UploadPage.Row(counts[0], cells, label, warnings.isEmpty() ? null
                                : String.join("; ", warnings.stream().map(RangeWarning::message).toList())));
                    }
                }, false); // the page scores on the request thread: a preview is small
        String download = csv.overflowed() ? null
                : "data:text/csv;charset=utf-8;base64," + Base64.getEncoder().encodeToString(csv.toByteArray());
        return new UploadPage(card.name(), fileName == null ? "" : fileName, counts[0], columns, rows, counts[1],
                download, DOWNLOAD_CAP);
    }

    /**
     * A value of a row as the model took it, for the table: a number as read (a decimal comma shown as a point; a
     * float as its shortest text), empty when missing; text, whole numbers and booleans as the file wrote them.
     */
    private static String cellText(CsvRowsParser.Chunk chunk, int row, int feature) {
        if (chunk.numbers() != null) {
            return Examples.text(chunk.numbers()[row][feature]);
        }
        Feature f = chunk.batch().signature().features().get(feature);
        if (f.type() == ValueType.FLOAT || f.type() == ValueType.DOUBLE) {
            double value = chunk.batch().number(row, feature);
            return Double.isNaN(value) ? "" : f.type() == ValueType.FLOAT
                    ? new java.math.BigDecimal(Float.toString((float) value)).stripTrailingZeros().toPlainString()
                    : Examples.text(value);
        }
        return chunk.records().get(row).get(f.name());
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
