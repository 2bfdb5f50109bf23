package org.tabserve.rows.write;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.RequestField;
import org.tabserve.model.signature.Feature;

/**
 * Answers out, whatever their format: the table an answer to a file of rows is (the input's columns, then the
 * answer's), written a row at a time. A format that answers in kind is one implementation and one line in
 * {@link org.tabserve.rows.RowFormat}; {@link CsvAnswer} fills it for {@code /predict_file}'s file answers, the upload
 * page's download
 * and the {@code score} command.
 */
public interface RowsWriter extends Closeable {

    /**
     * Writes the table's column names, once, before any row: the input's, then the answer's (each with its type, for
     * a format that types its columns), and, for a format with a schema's metadata, the answer's request-level fields
     * that a body carries ({@link RequestField#inBody}), under {@code tabserve.KEY}.
     *
     * @param input  the input's column names
     * @param answer the answer's columns, in order ({@link org.tabserve.model.answer.AnswerColumn#tableColumns})
     * @param source the answer's request-level values, or null for none
     */
    void columns(List<String> input, List<AnswerColumn> answer, AnswerSource source) throws IOException;

    /** What follows the name of a column sent that an answer column has the name of ({@link #inputNames}). */
    String SENT_SUFFIX = "_input";

    /**
     * The input's column names as an answer table writes them, each name once: a column sent under the name of one of
     * the answer's columns (a file scored before and sent again: {@code label}, {@code probability_*}, {@code error},
     * ...) keeps its cells under its name with {@value #SENT_SUFFIX} after it ({@code label_input}, then {@code
     * label_input_2} if that is taken), so that nothing sent is dropped and the answer's columns keep the names
     * clients read. Two columns of one name would make a CSV header, a JSON object or an Arrow or Parquet schema that
     * tabserve itself, pandas and pyarrow refuse or read wrong.
     *
     * @return {@code input} itself when no name is the answer's
     */
    static List<String> inputNames(List<String> input, List<AnswerColumn> answer) {
        List<String> answerNames = AnswerColumn.names(answer);
        if (input.stream().noneMatch(answerNames::contains)) {
            return input;
        }
        Set<String> taken = new HashSet<>(answerNames);
        taken.addAll(input);
        List<String> names = new ArrayList<>(input.size());
        for (String name : input) {
            if (!answerNames.contains(name)) {
                names.add(name);
                continue;
            }
            String renamed = name + SENT_SUFFIX;
            for (int n = 2; taken.contains(renamed); n++) {
                renamed = name + SENT_SUFFIX + "_" + n;
            }
            taken.add(renamed);
            names.add(renamed);
        }
        return names;
    }
    /**
     * Tells a format that types its columns the model's inputs, before {@link #columns}: a text input's column that a
     * feature names is then written in the feature's type (Parquet's numbers as numbers), so that the table is read
     * again, by tabserve or by Spark's connector, as the model takes it. A format of text ignores it.
     */
    default void inputs(List<Feature> features) {}

    /** @return the input's column names, then the answer's */
    static List<String> names(List<String> input, List<AnswerColumn> answer) {
        List<String> names = new ArrayList<>(input);
        names.addAll(AnswerColumn.names(answer));
        return names;
    }

    /** @return the request-level fields a body carries, under {@code tabserve.KEY}, in order; empty for none */
    static Map<String, String> metadata(AnswerSource source) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (source != null) {
            for (RequestField field : RequestField.values()) {
                if (field.inBody(source)) {
                    metadata.put(RequestField.METADATA_PREFIX + field.key(), String.valueOf(field.value(source)));
                }
            }
        }
        return metadata;
    }

    /**
     * Writes one row.
     *
     * @param input  its cells as the input wrote them (untyped text; empty for a missing value)
     * @param answer the answer's cells: a label or a problem as text, a probability or a value as a number, and
     *               empty text for a cell a bad row has no answer in
     */
    void row(List<String> input, List<?> answer) throws IOException;
}
