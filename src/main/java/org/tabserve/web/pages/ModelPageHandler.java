package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxModel;
import org.tabserve.web.http.ApiServlet;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.MemoryBudget;
import org.tabserve.web.http.ServedModels;
import org.tabserve.web.http.Views;

import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /model}: the model card for people, with its pictures drawn as inline SVG from the card's numbers.
 *
 * <p>Drawn for each request, under a share of the memory budget sized from the card ({@link ModelPages#buildBytes})
 * and held until the page is written: a page is up to some hundred times the card's numbers it draws (a count of two
 * characters becomes a bar with its tooltip), so keeping pages would hold that much per model for as long as it is
 * loaded, while drawing on demand holds it only while someone reads, and readers past the budget wait or get 503.
 */
public final class ModelPageServlet extends ApiServlet {

    private final transient Views views;
    private final transient MemoryBudget budget;

    public ModelPageServlet(ServedModels model, ErrorRenderer errors, Views views, MemoryBudget budget) {
        super(model, errors);
        this.views = views;
        this.budget = budget;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OnnxModel classifier = model.classifier();
        try (MemoryBudget.Reservation reservation = budget.open()) {
            reservation.growForAnswer(ModelPages.buildBytes(classifier), "the card page of model " + model.name());
            views.render(request, response, 200, "model", Map.of("page", ModelPages.build(classifier)));
        }
    }
}
