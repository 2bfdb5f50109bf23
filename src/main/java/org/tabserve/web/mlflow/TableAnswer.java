package org.tabserve.web.mlflow;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.LongConsumer;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.write.AnswerTable;
import org.tabserve.web.http.StreamedAnswer;

/**
 * {@code /invocations}' answer as a table, for a body of rows whose request's {@code Accept} names Arrow's IPC stream
 * or Parquet: the answer table's columns ({@link AnswerTable}), one row per row sent, instead of MLflow's JSON.
 */
final class TableAnswer {

    private TableAnswer() {}

    /** @return the table format the request's Accept names (Arrow, then Parquet), or null for MLflow's JSON */
    static RowFormat asked(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (RowFormat.ARROW.askedIn(accept)) {
            return RowFormat.ARROW;
        }
        return RowFormat.PARQUET.askedIn(accept) ? RowFormat.PARQUET : null;
    }

    /**
     * Writes the table, its writer's buffer ({@link RowFormat#writerHeldBytes}) reserved through {@code grow} first.
     */
    static void write(
            HttpServletRequest request,
            HttpServletResponse response,
            RowFormat format,
            LongConsumer grow,
            AnswerAssembler scores,
            List<AnsweredRow.Scored> answers,
            List<String> errors)
            throws IOException {
        grow.accept(format.writerHeldBytes());
        response.setStatus(200);
        StreamedAnswer.begin(request, response);
        response.setContentType(format.mediaType());
        AnswerTable.write(format.writer(response.getOutputStream()), scores.shape(), scores.source(), answers, errors);
    }
}
