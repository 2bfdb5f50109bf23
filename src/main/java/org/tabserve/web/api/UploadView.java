package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.web.http.PageLinks;

import java.io.IOException;

/**
 * The browser's answer to a CSV upload ({@code ?format=html}), a page that the pages package draws: handed to
 * {@link PredictFileHandler} at wiring, so that the route scores without knowing how a page looks, and the page draws
 * a finished {@link UploadPreview} without calling back into the route.
 */
public interface UploadView {

    /** Answers with the page of a scored upload, whose links go to {@code links}. */
    void render(HttpServletRequest request, HttpServletResponse response, PageLinks links, UploadPreview preview)
            throws IOException;
}
