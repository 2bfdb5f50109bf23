package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.ModelCard;
import org.tabserve.model.Prediction;
import org.tabserve.model.RangeWarning;
import org.tabserve.web.api.UploadPreview;
import org.tabserve.web.api.UploadView;
import org.tabserve.web.http.PageLinks;
import org.tabserve.web.http.Views;

/**
 * Draws the page of a scored CSV upload ({@link UploadPreview}): the first rows with their predictions in the card's
 * display names, the counts, and the whole CSV answer as a download when it was small enough to keep. Public as the
 * upload route's {@link UploadView}, which the wiring hands it.
 */
public final class UploadPages implements UploadView {

    private final Views views;

    /** @param views renders the page */
    public UploadPages(Views views) {
        this.views = views;
    }

    @Override
    public void render(HttpServletRequest request, HttpServletResponse response, PageLinks links, UploadPreview preview)
            throws IOException {
        views.render(request, response, 200, "upload", Map.of("page", page(preview)), links);
    }

    static UploadPage page(UploadPreview preview) {
        Model classifier = preview.model();
        ModelCard card = classifier.card();
        List<String> features = classifier.signature().featureNames();
        List<String> shown = FormHandler.displayOrder(classifier);
        // The answer first: on a narrow screen the table scrolls sideways, and the prediction must stay in view.
        // A regressor's answer is one value; a classifier's a label and its probability.
        boolean regression = classifier.signature().task() == org.tabserve.model.Task.REGRESSION;
        List<String> columns = new ArrayList<>(regression ? List.of("value") : List.of("prediction", "probability"));
        columns.addAll(shown);
        List<UploadPage.Row> rows = new ArrayList<>();
        for (UploadPreview.Row row : preview.rows()) {
            List<String> cells = new ArrayList<>();
            String label = null;
            if (!row.errors().isEmpty()) {
                for (String feature : shown) {
                    cells.add(cellText(row.values().get(features.indexOf(feature))));
                }
                rows.add(new UploadPage.Row(
                        row.number(),
                        cells,
                        null,
                        null,
                        String.join(
                                "; ",
                                row.errors().stream()
                                        .map(e -> e.field() + ": " + e.message())
                                        .toList())));
                continue;
            }
            if (row.prediction() instanceof Prediction.Classification classification) {
                label = classification.label();
                cells.add(card.displayName(label));
                cells.add(String.format(Locale.ROOT, "%.1f %%", classification.probabilityOf(label) * 100));
            } else {
                cells.add(Examples.text(((Prediction.Regression) row.prediction()).value()));
            }
            for (String feature : shown) {
                cells.add(cellText(row.values().get(features.indexOf(feature))));
            }
            rows.add(new UploadPage.Row(
                    row.number(),
                    cells,
                    label,
                    row.warnings().isEmpty()
                            ? null
                            : String.join(
                                    "; ",
                                    row.warnings().stream()
                                            .map(RangeWarning::message)
                                            .toList()),
                    null));
        }
        String download = preview.csv() == null
                ? null
                : "data:text/csv;charset=utf-8;base64," + Base64.getEncoder().encodeToString(preview.csv());
        return new UploadPage(
                card.name(),
                preview.fileName() == null ? "" : preview.fileName(),
                preview.rowCount(),
                columns,
                rows,
                preview.warnedRows(),
                preview.errorRows(),
                regression ? 1 : 2,
                download,
                UploadPreview.DOWNLOAD_CAP,
                preview.ignored());
    }

    /**
     * A value as the model took it, for the table: a number as read (a decimal comma shown as a point; a float as its
     * shortest text), empty when missing; text, whole numbers and booleans as the file wrote them.
     */
    private static String cellText(Object value) {
        if (value instanceof Float single) {
            return new java.math.BigDecimal(Float.toString(single))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        if (value instanceof Double number) {
            return Examples.text(number.doubleValue());
        }
        return value == null ? "" : value.toString();
    }
}
