package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.web.api.ModelIndexHandler;
import org.tabserve.web.http.Handler;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.web.http.Views;

import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /models}: the page that lists the served models, drawn from the same entries as {@code /api/models};
 * the home page ({@code /}) of a server of a model directory.
 */
public final class ModelsPageHandler {

    private final Views views;

    public ModelsPageHandler(Views views) {
        this.views = views;
    }

    /** {@code GET /models}. */
    public void show(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        response.setHeader("Cache-Control", "no-store"); // its figures are of the last minutes
        views.render(request, response, 200, "models",
                Map.of("page", ModelsPage.of(ModelIndexHandler.entries(model)),
                        "rollouts", RolloutView.all(model.rollouts())));
    }

    /**
     * {@code GET /}: this page when the server serves a model directory ({@code --models}), where no one model is the
     * site; else {@code form}, the one model's form. A model's own form stays at {@code /models/{name}/}.
     */
    public Handler home(Handler form) {
        return (model, request, response) -> {
            if (model.route().isEmpty() && model.repository().options().directory().isPresent()) {
                show(model, request, response);
            } else {
                form.handle(model, request, response);
            }
        };
    }
}
