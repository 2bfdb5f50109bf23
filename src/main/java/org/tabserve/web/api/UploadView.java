package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.tabserve.web.http.PageLinks;

/**
 * The browser's answer to a CSV upload ({@code ?format=html}), a page that the pages package draws: handed to
 * {@link PredictFileHandler} at wiring, so that the route scores without knowing how a page looks, and the page draws
 * a finished {@link UploadPreview} without calling back into the route.
 */
public interface UploadView {

    /** The form's tick box for {@code on_error=row}, as the form labels it (form.html). */
    String ON_ERROR_BOX = "Answer the other rows when some cannot be scored";
    /** The way on from a refused upload, for the page's user, who has the tick box rather than a query string. */
    String ON_ERROR_HINT = "tick \"" + ON_ERROR_BOX + "\" and upload the file again to answer every other row,"
            + " each bad row with its errors in its place";

    /** Answers with the page of a scored upload, whose links go to {@code links}. */
    void render(HttpServletRequest request, HttpServletResponse response, PageLinks links, UploadPreview preview)
            throws IOException;
}
