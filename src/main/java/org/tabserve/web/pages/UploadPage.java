package org.tabserve.web.pages;

import java.util.List;
import java.util.Map;

/**
 * What the page after a CSV upload shows: how many rows were scored, the first of them, and the whole result as a
 * CSV to download (when it is small enough to carry in the page).
 *
 * @param name        the model's name
 * @param fileName    the uploaded file's name, as the browser sent it; may be empty
 * @param rowCount    how many data rows were answered
 * @param columns     the preview table's column headings
 * @param rows        the first rows, each its cells as text
 * @param warnedRows  how many rows have a value outside the training range
 * @param errorRows   how many rows were not scored for their errors ({@code on_error=row}), each told in its place
 * @param answerColumns the columns of the answer (a classifier's prediction and probability, a regressor's value),
 *                    which a bad row's error spans
 * @param download    a {@code data:text/csv} URI with the whole result, or null when it is too large for the page
 * @param downloadCap the largest result, in bytes, the page carries
 * @param ignored     the file's columns the model does not take, kept in the download
 * @param renamed     the file's columns named as one of the answer's, each with its name in the download
 * @param provenance  which model gave the answers, as their body says
 */
record UploadPage(
        String name,
        String fileName,
        long rowCount,
        List<String> columns,
        List<Row> rows,
        long warnedRows,
        long errorRows,
        int answerColumns,
        String download,
        long downloadCap,
        List<String> ignored,
        Map<String, String> renamed,
        List<FormPage.Provenance> provenance) {

    /** @return how many rows were scored */
    public long scoredRows() {
        return rowCount - errorRows;
    }

    /**
     * The column headings in pieces, each after an underscore, so that the page lets a long name such as
     * {@code flipper_length_mm} wrap there ({@code <wbr>}) and the table fits the page.
     */
    public List<List<String>> headings() {
        return columns.stream().map(c -> List.of(c.split("(?<=_)(?=.)"))).toList();
    }

    /**
     * @param number      the data row's number, from 0 as every error counts it
     * @param cells       the predicted class's display name, its probability, then the feature values (a bad row:
     *                    its feature values as the file wrote them)
     * @param predicted   the predicted class label; null for a bad row
     * @param warning     the row's range warnings joined, or null when none
     * @param error       a bad row's errors ({@code field: message; ...}), shown in place of its answer; else null
     */
    record Row(long number, List<String> cells, String predicted, String warning, String error) {}
}
