package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.web.api.ModelIndexHandler;
import org.tabserve.web.http.Handler;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.web.http.Views;
import org.tabserve.web.http.ReaderLane;
import org.tabserve.web.http.SharedAnswer;
import org.tabserve.serving.MemoryBudget;

import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /models}: the page that lists the served models, drawn from the same entries as {@code /api/models};
 * the home page ({@code /}) of a server of a model directory.
 */
public final class ModelsPageHandler {

    private final Views views;
    private final ReaderLane lane;
    private final SharedAnswer page;

    /** @param lane the share of the concurrency limit this page and {@code /api/models} hold at most */
    public ModelsPageHandler(Views views, MemoryBudget budget, ReaderLane lane) {
        this.views = views;
        this.lane = lane;
        this.page = new SharedAnswer(budget, "the models page");
    }

    /**
     * {@code GET /models}: one build shared by every request that asks at the same time ({@link SharedAnswer}), in the
     * readers' share of the concurrency limit ({@link ReaderLane}).
     */
    public void show(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        lane.serve(() -> {
            byte[] html = page.get(ModelIndexHandler.buildBytes(model), out -> views.renderTo(request, response,
                    "models", Map.of("page", ModelsPage.of(ModelIndexHandler.entries(model)),
                            "rollouts", RolloutView.all(model.rollouts())), out));
            response.setStatus(200);
            response.setContentType("text/html;charset=UTF-8");
            response.setHeader("Cache-Control", "no-store"); // its figures are of the last minutes
            response.setContentLength(html.length);
            response.getOutputStream().write(html);
        });
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
