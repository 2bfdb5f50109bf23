package org.tabserve.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.FeatureStats;
import org.tabserve.model.ModelCard;
import org.tabserve.model.OnnxClassifier;
import org.tabserve.model.Prediction;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /} shows a form generated from the model's signature and card; {@code POST /} predicts and shows the
 * result, or shows each bad value next to its field with what was typed kept.
 */
final class FormServlet extends ApiServlet {

    private final transient Views views;
    private final transient WebConfig config;

    FormServlet(ServedModel model, ErrorRenderer errors, Views views, WebConfig config) {
        super(model, errors);
        this.views = views;
        this.config = config;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OnnxClassifier classifier = model.classifier();
        Map<String, String> example = new HashMap<>();
        classifier.card().featureStats().forEach((name, stats) -> example.put(name, round(stats.mean())));
        views.render(request, response, 200, "form", Map.of("page", page(classifier, example, List.of(), null)));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OnnxClassifier classifier = model.classifier();
        requireContentType(request, "application/x-www-form-urlencoded");
        ParameterRowParser.ParsedRow parsed = new ParameterRowParser(classifier.signature())
                .parse(ParameterRowParser.parameters(request, config.maxBodyBytes()));
        if (!parsed.errors().isEmpty()) {
            views.render(request, response, 400, "form",
                    Map.of("page", page(classifier, parsed.typed(), parsed.errors(), null)));
            return;
        }
        Prediction prediction = classifier.predict(parsed.row());
        views.render(request, response, 200, "form",
                Map.of("page", page(classifier, parsed.typed(), List.of(), prediction)));
    }

    private static FormPage page(OnnxClassifier classifier, Map<String, String> typed, List<FieldProblem> problems,
                                 Prediction prediction) {
        ModelCard card = classifier.card();
        Map<String, String> fieldErrors = new HashMap<>();
        for (FieldProblem problem : problems) {
            fieldErrors.merge(problem.field(), problem.message(), (a, b) -> a + "; " + b);
        }
        List<FormPage.Field> fields = new ArrayList<>();
        for (String name : displayOrder(classifier)) {
            FeatureStats stats = card.featureStats().get(name);
            String hint = stats == null ? "" : "training range " + round(stats.min()) + " to " + round(stats.max());
            fields.add(new FormPage.Field(name, typed.getOrDefault(name, ""), hint, fieldErrors.remove(name)));
        }
        // Errors on fields the form does not have (unknown or repeated parameters) are shown too, never dropped.
        fieldErrors.forEach((name, message) -> fields.add(new FormPage.Field(name, typed.getOrDefault(name, ""), "", message)));
        FormPage.Result result = null;
        if (prediction != null) {
            List<FormPage.Bar> bars = new ArrayList<>();
            for (String label : prediction.classes()) {
                double p = prediction.probabilityOf(label);
                bars.add(new FormPage.Bar(label, card.displayName(label), p,
                        String.format(Locale.ROOT, "%.1f %%", p * 100), label.equals(prediction.label())));
            }
            result = new FormPage.Result(prediction.label(), card.displayName(prediction.label()), bars, fields);
        }
        return new FormPage(card.name(), card.description(), fields, result, problems.size());
    }

    /** The data's own column order when the card gives it (people know it), else the model's order. */
    private static List<String> displayOrder(OnnxClassifier classifier) {
        List<String> features = classifier.signature().featureNames();
        if (classifier.card().data().get("columns") instanceof List<?> columns) {
            List<String> ordered = columns.stream().map(String::valueOf).filter(features::contains).toList();
            if (ordered.size() == features.size() && ordered.stream().distinct().count() == features.size()) {
                return ordered;
            }
        }
        return features;
    }

    private static String round(double value) {
        return BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
