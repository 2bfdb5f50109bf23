package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.ServedModels;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.feedback.FeedbackMonitor;
import org.tabserve.web.api.LivePerformanceJson;
import org.tabserve.web.http.PageLinks;
import org.tabserve.web.http.Routes;
import org.tabserve.web.http.Views;

/**
 * {@code GET /card}: the model card for people, with its pictures drawn as inline SVG from the card's numbers, and
 * what the model has scored lately against them (its Live section).
 *
 * <p>Drawn for each request, under a share of the memory budget sized from the card ({@link ModelPages#buildBytes})
 * and held until the page is written: a page is up to some hundred times the card's numbers it draws (a count of two
 * characters becomes a bar with its tooltip), so keeping pages would hold that much per model for as long as it is
 * loaded, while drawing on demand holds it only while someone reads, and readers past the budget wait or get 503.
 */
public final class ModelPageHandler {

    private final Views views;
    private final MemoryBudget budget;
    private final ServedModels served;
    private final FeedbackMonitor feedback;

    /**
     * @param served   the served models, where each model version's live profile and each model's rollout are read
     * @param feedback where each model version's live performance is read
     */
    public ModelPageHandler(Views views, MemoryBudget budget, ServedModels served, FeedbackMonitor feedback) {
        this.views = views;
        this.budget = budget;
        this.served = served;
        this.feedback = feedback;
    }

    /** {@code GET /card}: the card page. */
    public void show(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Model classifier = model.model();
        budget.buildAnswer(ModelPages.buildBytes(classifier), "the card page of model " + model.name(), () -> {
            views.render(
                    request,
                    response,
                    200,
                    "model",
                    Map.of(
                            "page",
                            ModelPages.build(classifier),
                            "live",
                            LiveSection.of(served.monitors()
                                    .live(model.name(), model.version().orElseThrow(), classifier)),
                            "performance",
                            PerformanceWords.of(LivePerformanceJson.of(
                                    classifier,
                                    feedback.of(model.name(), model.version().orElseThrow(), classifier)
                                            .orElse(null))),
                            "rollouts",
                            RolloutView.of(served.rollouts(), model.name()).stream()
                                    .toList()),
                    PageLinks.of(model));
            return null;
        });
    }

    /**
     * {@code GET /model} (and {@code /models/{name}/model}), where the card page was: a permanent redirect to
     * {@code card} beside it, with the query, so that links and bookmarks made before keep working.
     */
    public void moved(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) {
        String uri = request.getRequestURI();
        String query = request.getQueryString();
        response.setStatus(308);
        response.setHeader(
                "Location",
                uri.substring(0, uri.lastIndexOf('/') + 1)
                        + Routes.in(Routes.CARD)
                        + (query == null ? "" : "?" + query));
    }
}
