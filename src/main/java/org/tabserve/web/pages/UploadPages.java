package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.RangeWarning;
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

    /**
     * The page of {@code preview}: the answer's columns first, one or more for each described field the answer
     * carries that the table shows ({@link AnswerField}, in the described order), then the values the model took.
     */
    static UploadPage page(UploadPreview preview) {
        Model classifier = preview.model();
        ModelCard card = classifier.card();
        List<String> features = classifier.signature().featureNames();
        List<String> shown = FormHandler.displayOrder(classifier);
        // The answer first: on a narrow screen the table scrolls sideways, and the prediction must stay in view.
        List<AnswerField> answered = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(preview.shape(), preview.inPlace())) {
                continue;
            }
            answered.add(field);
            String heading = switch (field) {
                // the display name stands for it; the label is the row's data-label
                case LABEL -> null;
                case DISPLAY_NAME -> "prediction";
                // the predicted class's alone, to be read at a glance: the download has every class's
                case PROBABILITIES -> "probability";
                case VALUE -> "value";
                // said beside the table, row by row; a bad row's errors take its answer's columns
                case WARNINGS, ERRORS -> null;
                // an upload is never explained
                case EXPLANATION -> null;
                // how sure each answer is goes in the download's columns: the table shows the answers at a glance
                case INTERVAL, PREDICTION_SET, COVERAGE, NOVELTY -> null;
                // so does any other field: the table shows the fields it has words for
                default -> null;
            };
            if (heading != null) {
                columns.add(heading);
            }
        }
        int answerColumns = columns.size();
        columns.addAll(shown);
        List<UploadPage.Row> rows = new ArrayList<>();
        for (UploadPreview.Row row : preview.rows()) {
            boolean refused = !row.errors().isEmpty();
            List<String> cells = new ArrayList<>();
            String label = null;
            String warning = null;
            String error = null;
            for (AnswerField field : answered) {
                if (refused != (field == AnswerField.ERRORS)) {
                    continue; // a bad row has its errors in place of its answer; a scored row has none
                }
                String cell = switch (field) {
                    case LABEL -> {
                        label = ((Prediction.Classification) row.prediction()).label();
                        yield null; // the row's data-label
                    }
                    case DISPLAY_NAME -> card.displayName(label);
                    case PROBABILITIES ->
                        FormResult.percent(((Prediction.Classification) row.prediction()).probabilityOf(label));
                    case VALUE -> Examples.text(((Prediction.Regression) row.prediction()).value());
                    case WARNINGS -> {
                        warning = row.warnings().isEmpty()
                                ? null
                                : String.join(
                                        "; ",
                                        row.warnings().stream()
                                                .map(RangeWarning::message)
                                                .toList());
                        yield null; // said beside the table
                    }
                    case ERRORS -> {
                        error = String.join(
                                "; ",
                                row.errors().stream()
                                        .map(e -> e.field() + ": " + e.message())
                                        .toList());
                        yield null; // in place of the answer's columns
                    }
                    // not in the table: see the headings' switch above
                    case EXPLANATION, INTERVAL, PREDICTION_SET, COVERAGE, NOVELTY -> null;
                    default -> null;
                };
                if (cell != null) {
                    cells.add(cell);
                }
            }
            for (String feature : shown) {
                cells.add(cellText(row.values().get(features.indexOf(feature))));
            }
            rows.add(new UploadPage.Row(row.number(), cells, label, warning, error));
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
                answerColumns,
                download,
                UploadPreview.DOWNLOAD_CAP,
                preview.ignored(),
                preview.renamed(),
                FormPage.Provenance.of(preview.source()));
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
