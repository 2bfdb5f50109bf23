package org.tabserve.rows.csv;

import java.util.List;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.InputColumns;

/**
 * A CSV's header row, for {@link CsvRowsParser}: checked (every column named, none twice) and matched to the model's
 * features by name, in the file's terms.
 */
final class CsvHeader {

    private CsvHeader() {}

    /** Refuses a header with an unnamed column or a column named twice, which no row could be matched against. */
    static void check(List<String> header, CsvSeparator separator, boolean unnamedIndex) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (name.isEmpty() && i == 0 && unnamedIndex && header.size() > 1) {
                continue;
            }
            if (name.isEmpty()) {
                throw RowsException.malformed("column " + (i + 1) + " of the CSV header has no name (read as "
                        + separator.description + ": " + header + "); name every column");
            }
            Integer first = seen.putIfAbsent(name, i);
            if (first != null) {
                throw RowsException.malformed("column '" + name + "' appears twice in the header (columns "
                        + (first + 1) + " and " + (i + 1) + "); name each column once");
            }
        }
    }

    /** Where each feature sits in the header; a 400 naming every missing feature column, and what was read. */
    static int[] featureColumns(ModelSignature signature, List<String> header, CsvSeparator separator) {
        return InputColumns.featureColumns(
                signature,
                header,
                feature -> "the CSV header has no column '" + feature
                        + "'; read as " + separator.description + ", its columns are " + header + "; it needs "
                        + signature.featureNames() + " (separated by commas, semicolons or tabs)");
    }
}
