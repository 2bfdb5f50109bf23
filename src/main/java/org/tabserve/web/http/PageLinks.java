package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Where a page's links go: the root routes for the default model, {@code /models/{name}/...} for a page reached
 * through a per-model route, so that a page never sends its reader to another model's form or card.
 *
 * @param form    the form (GET shows it, POST predicts)
 * @param card    the model card page
 * @param upload  the CSV upload ({@code predict_file})
 * @param apiModel the model's signature and card as JSON
 */
record PageLinks(String form, String card, String upload, String apiModel) {

    private static final PageLinks ROOT = new PageLinks("/", "/model", "/predict_file", "/api/model");

    static PageLinks of(HttpServletRequest request) {
        Object route = request.getAttribute(ServedModels.ROUTE);
        if (!(route instanceof ModelRoute named)) {
            return ROOT;
        }
        String base = named.base() + "/";
        return new PageLinks(base, base + "card", base + "predict_file", base + "api/model");
    }
}
