package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.Model;
import org.tabserve.rows.ChunkScorer;
import org.tabserve.rows.CsvRowsParser;
import org.tabserve.web.http.ServedModels;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The browser's answer to a CSV upload ({@code ?format=html}), a page that the pages package draws: handed to
 * {@link PredictFileServlet} at wiring, so that the route scores and streams without knowing how a page looks.
 */
public interface UploadView {

    /** @return the heap the page holds at most besides the rows in flight, for the {@code MemoryBudget} */
    long heldBytes();

    /**
     * Scores the checked upload and answers with the page.
     *
     * @param in     the upload, read again from its start
     * @param header the upload's column names, as the validating pass read them
     */
    void render(HttpServletRequest request, HttpServletResponse response, ServedModels model, Model classifier,
                ChunkScorer scorer, CsvRowsParser parser, InputStream in, List<String> header, String fileName)
            throws IOException;
}
