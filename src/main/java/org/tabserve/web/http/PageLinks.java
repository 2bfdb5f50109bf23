package org.tabserve.web.http;

import org.tabserve.serving.ModelRoute;
import org.tabserve.serving.ResolvedModel;

/**
 * Where a page's links go: the root routes for the default model, {@code /models/{name}/...} for a page reached
 * through a per-model route, so that a page never sends its reader to another model's form or card.
 *
 * @param form    the form (GET shows it, POST predicts)
 * @param card    the model card page
 * @param upload  the CSV upload ({@code predict_file})
 * @param apiModel the model's signature and card as JSON
 * @param name     the name the page's model is served under (its routes' name), which its title and heading give
 *                 first; empty on a page of no one model
 */
public record PageLinks(String form, String card, String upload, String apiModel, String name) {

    /** The links of a page of no one model, or of the default model on the root routes. */
    public static final PageLinks ROOT =
            new PageLinks(Routes.FORM, Routes.CARD, Routes.PREDICT_FILE, Routes.API_MODEL, "");

    /** @param route the model a per-model route names, or null on the root routes */
    static PageLinks of(ModelRoute route) {
        if (route == null) {
            return ROOT;
        }
        String base = Routes.base(route) + "/";
        return new PageLinks(
                base,
                base + Routes.in(Routes.CARD),
                base + Routes.in(Routes.PREDICT_FILE),
                base + Routes.in(Routes.API_MODEL),
                route.name());
    }

    /** @return where the request's pages link to: its model's own routes, or the root ones */
    public static PageLinks of(ResolvedModel model) {
        PageLinks links = of(model.route().orElse(null));
        if (model.route().isEmpty() && model.version().isPresent()) {
            return links.named(model.name()); // the default model's, on the root routes
        }
        return links;
    }

    /** @return these links, for a page of the model served under {@code name} */
    PageLinks named(String name) {
        return new PageLinks(form, card, upload, apiModel, name);
    }
}
