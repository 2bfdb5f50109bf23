package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.web.api.ModelIndexHandler;
import org.tabserve.web.http.ResolvedModel;
import org.tabserve.web.http.Views;

import java.io.IOException;
import java.util.Map;

/** {@code GET /models}: the page that lists the served models, drawn from the same entries as {@code /api/models}. */
public final class ModelsPageHandler {

    private final Views views;

    public ModelsPageHandler(Views views) {
        this.views = views;
    }

    /** {@code GET /models}. */
    public void show(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        views.render(request, response, 200, "models",
                Map.of("models", ModelIndexHandler.entries(model.repository())));
    }
}
