package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.web.http.ApiServlet;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.ServedModels;
import org.tabserve.web.http.Views;

import java.io.IOException;
import java.util.Map;

/** {@code GET /model}: the model card for people, with its pictures drawn as inline SVG from the card's numbers. */
public final class ModelPageServlet extends ApiServlet {

    private final transient Views views;

    public ModelPageServlet(ServedModels model, ErrorRenderer errors, Views views) {
        super(model, errors);
        this.views = views;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        views.render(request, response, 200, "model", Map.of("page", ModelPages.build(model.classifier())));
    }
}
