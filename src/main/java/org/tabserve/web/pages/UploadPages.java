package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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

    /** One row of the table as its columns draw it: its cells, and the label, warning and error beside them. */
    private static final class Drawn {
        final UploadPreview.Row row;
        final ModelCard card;
        final List<String> cells = new ArrayList<>();
        String label;
        String warning;
        String error;

        Drawn(UploadPreview.Row row, ModelCard card) {
            this.row = row;
            this.card = card;
        }
    }

    /**
     * A field's part of the table.
     *
     * @param heading its column's heading, or null where it is said beside the table
     * @param cell    its cell of a row, or null for none (setting what is said beside it)
     */
    private record Column(String heading, Function<Drawn, String> cell) {}

    /**
     * The fields the table shows, in words of its own; the table shows the answers at a glance, and every other field
     * (an upload is never explained; how sure each answer is, and any field of the answer's that the table has no
     * words for) is in the download's columns, which carry every field by its type.
     */
    private static final Map<AnswerField, Column> COLUMNS = new EnumMap<>(AnswerField.class);

    static {
        // the display name stands for it; the label is the row's data-label
        COLUMNS.put(AnswerField.LABEL, new Column(null, d -> {
            d.label = ((Prediction.Classification) d.row.prediction()).label();
            return null;
        }));
        COLUMNS.put(AnswerField.DISPLAY_NAME, new Column("prediction", d -> d.card.displayName(d.label)));
        // the predicted class's alone, to be read at a glance: the download has every class's
        COLUMNS.put(
                AnswerField.PROBABILITIES,
                new Column(
                        "probability",
                        d -> FormResult.percent(
                                ((Prediction.Classification) d.row.prediction()).probabilityOf(d.label))));
        COLUMNS.put(
                AnswerField.VALUE,
                new Column("value", d -> Examples.text(((Prediction.Regression) d.row.prediction()).value())));
        // said beside the table, row by row
        COLUMNS.put(AnswerField.WARNINGS, new Column(null, d -> {
            d.warning = d.row.warnings().isEmpty()
                    ? null
                    : String.join(
                            "; ",
                            d.row.warnings().stream().map(RangeWarning::message).toList());
            return null;
        }));
        // a bad row's errors take its answer's columns
        COLUMNS.put(AnswerField.ERRORS, new Column(null, d -> {
            d.error = String.join(
                    "; ",
                    d.row.errors().stream()
                            .map(e -> e.field() + ": " + e.message())
                            .toList());
            return null;
        }));
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
            Column column = COLUMNS.get(field);
            if (column != null && field.present(preview.shape(), preview.inPlace())) {
                answered.add(field);
                if (column.heading() != null) {
                    columns.add(column.heading());
                }
            }
        }
        int answerColumns = columns.size();
        columns.addAll(shown);
        List<UploadPage.Row> rows = new ArrayList<>();
        for (UploadPreview.Row row : preview.rows()) {
            boolean refused = !row.errors().isEmpty();
            Drawn drawn = new Drawn(row, card);
            for (AnswerField field : answered) {
                if (refused != (field == AnswerField.ERRORS)) {
                    continue; // a bad row has its errors in place of its answer; a scored row has none
                }
                String cell = COLUMNS.get(field).cell().apply(drawn);
                if (cell != null) {
                    drawn.cells.add(cell);
                }
            }
            List<String> cells = drawn.cells;
            for (String feature : shown) {
                cells.add(cellText(row.values().get(features.indexOf(feature))));
            }
            rows.add(new UploadPage.Row(row.number(), cells, drawn.label, drawn.warning, drawn.error));
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
