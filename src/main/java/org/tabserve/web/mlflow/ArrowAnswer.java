package org.tabserve.web.mlflow;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.tabserve.model.Prediction;
import org.tabserve.model.Uncertainty;
import org.tabserve.rows.AnswerTable;
import org.tabserve.rows.RowFormat;
import org.tabserve.serving.RequestScoring;

/**
 * {@code /invocations}' answer as an Arrow IPC stream, for a body of rows whose request's {@code Accept} names Arrow:
 * the answer table's columns ({@link AnswerTable}), one row per row sent, instead of MLflow's JSON.
 */
final class ArrowAnswer {

    private ArrowAnswer() {}

    /** @return whether the request's Accept names an Arrow IPC stream */
    static boolean asked(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains(RowFormat.ARROW.mediaType());
    }

    static void write(
            HttpServletResponse response,
            RequestScoring scores,
            List<Prediction> answers,
            List<Uncertainty> uncertainties,
            List<String> errors)
            throws IOException {
        response.setStatus(200);
        response.setContentType(RowFormat.ARROW.mediaType());
        AnswerTable.write(RowFormat.ARROW.writer(response.getOutputStream()), scores, answers, uncertainties, errors);
    }
}
