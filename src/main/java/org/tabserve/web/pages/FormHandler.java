package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.answer.ClientWatch;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.ParameterRowParser;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.Scoring;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.web.http.CardSize;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.PageLinks;
import org.tabserve.web.http.PageSession;
import org.tabserve.web.http.Views;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.request.AskedFields;
import org.tabserve.web.http.request.MediaType;
import org.tabserve.web.http.request.RequestParameters;
import org.tabserve.web.pages.plots.Decimals;

/**
 * {@code GET /} shows a form generated from the model's signature and card, filled with values the model takes
 * ({@link FormDefaults}: the card's first example, else typical values) or with the example asked for
 * ({@code /?example=genuine-1}); {@code POST /} predicts and shows the result, or shows each bad value next
 * to its field with what was typed kept. The page is drawn under a share of the memory budget sized from the card's
 * text (its description, names, categories and examples are what it shows), so that many readers of a model with a
 * large card wait or get 503 instead of filling the heap.
 */
public final class FormHandler {

    /**
     * What drawing the form may hold per character of the card: the page model refers to the card's strings, the
     * template escapes each as it writes (a copy at most, two bytes a character), with room to spare.
     */
    static final int BYTES_PER_CARD_CHAR = 8;
    /** ... and for a card of no text. */
    static final long BASE_BYTES = 256 << 10;

    /** The posted body's format and the answer's, as the trace's stages name them. */
    private static final String FORM = "form";

    private static final String HTML = "html";

    private final Views views;
    private final WebConfig config;
    private final MemoryBudget budget;
    private final Scoring scoring;

    public FormHandler(Views views, WebConfig config, MemoryBudget budget, Scoring scoring) {
        this.views = views;
        this.config = config;
        this.budget = budget;
        this.scoring = scoring;
    }

    /** Renders the form of {@code model}'s model under its share of the budget. */
    private void render(
            ResolvedModel model,
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            java.util.function.Supplier<FormPage> page)
            throws IOException {
        budget.buildAnswer(
                CardSize.bytes(model.model().card(), BASE_BYTES, BYTES_PER_CARD_CHAR),
                "the form of model " + model.name(),
                () -> {
                    views.render(request, response, status, "form", Map.of("page", page.get()), PageLinks.of(model));
                    return null;
                });
    }

    /** {@code GET /}: the form, filled with the card's values ({@link FormDefaults}) or the example asked for. */
    public void show(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Model classifier = model.model();
        Examples examples = new Examples(classifier.card());
        String wanted = RequestParameters.query(request, "example");
        FormDefaults.Filled filled;
        if (wanted != null) {
            Examples.Row row = examples.find(wanted)
                    .orElseThrow(() -> HttpProblem.of(
                            404,
                            "Not found",
                            "the model's card has no example '" + wanted + "'; it has "
                                    + examples.all().stream()
                                            .map(Examples.Row::id)
                                            .toList()));
            filled = new FormDefaults.Filled(row.values(), row);
        } else {
            filled = FormDefaults.of(classifier);
        }
        render(
                model,
                request,
                response,
                200,
                () -> page(classifier, filled.values(), List.of(), null).filledWith(filled));
    }

    /** {@code POST /}: the prediction, or each bad value next to its field. */
    public void predict(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Model classifier = model.model();
        MediaType.require(request, MediaType.FORM);
        Map<String, String[]> parameters;
        // The read stage: the body's fields, one row (its values are checked below, each told by its field).
        try (AnswerTrace.Stage reading = model.trace().read(FORM, request.getContentLengthLong())) {
            parameters = new java.util.LinkedHashMap<>(RequestParameters.of(request, config.maxBodyBytes()));
            if (classifier.signature().feature(PageSession.FIELD).isEmpty()) {
                parameters.remove(PageSession.FIELD); // the session's CSRF token, checked by the sign-in's filter
            }
            reading.attribute(AnswerTrace.ROWS, 1);
        }
        // The box "Explain this answer" (offered when the card has a background sample), unless the model has an
        // input of that name; sent to a model that cannot explain, it is an ignored field, told as such.
        boolean explain = classifier.signature().feature(ExplainField.NAME).isEmpty()
                && classifier.card().background() != null
                && parameters.remove(ExplainField.NAME) != null;
        // The choice "How sure" (offered when the card has a calibration), unless the model has an input of that name.
        String[] chosen = classifier.signature().feature(CoverageField.NAME).isEmpty()
                ? parameters.remove(CoverageField.NAME)
                : null;
        String coverage = chosen == null || chosen.length == 0 ? "" : chosen[chosen.length - 1].strip();
        AnswerAssembler scores = scoring.of(
                model,
                AskedFields.coverage(request, AskedFields.coverageSent(coverage.isEmpty() ? null : coverage, null)));
        ParameterRowParser.ParsedRow parsed = new ParameterRowParser(classifier.signature()).parse(parameters);
        if (!parsed.errors().isEmpty()) {
            try (AnswerTrace.Stage writing = model.trace().write(HTML, 0)) {
                render(
                        model,
                        request,
                        response,
                        400,
                        () -> page(classifier, parsed.typed(), parsed.errors(), null, explain)
                                .covering(coverage));
            }
            return;
        }
        // One row, bounded by the model rows a request may have evaluated: its explanation finishes; a page is
        // written through a writer, which an early space on the answer's stream would rule out.
        ScoredRows scored = scores.scoreRows(parsed.batch(), explain, ClientWatch.NONE);
        List<String> warnings = parsed.warnings(classifier.card()).stream()
                .map(RangeWarning::message)
                .toList();
        FormResult.Outcome outcome = new FormResult.Outcome(scores.shape(explain), scored, warnings, scores.source());
        try (AnswerTrace.Stage writing = model.trace().write(HTML, scored.size())) {
            render(
                    model,
                    request,
                    response,
                    200,
                    () -> page(classifier, parsed.typed(), List.of(), outcome, explain)
                            .covering(coverage));
        }
    }

    private static FormPage page(
            Model classifier, Map<String, String> typed, List<FieldProblem> problems, FormResult.Outcome outcome) {
        return page(classifier, typed, problems, outcome, false);
    }

    private static FormPage page(
            Model classifier,
            Map<String, String> typed,
            List<FieldProblem> problems,
            FormResult.Outcome outcome,
            boolean explain) {
        ModelCard card = classifier.card();
        Map<String, String> fieldErrors = new HashMap<>();
        for (FieldProblem problem : problems) {
            fieldErrors.merge(problem.field(), problem.message(), (a, b) -> a + "; " + b);
        }
        List<String> order = displayOrder(classifier);
        List<FormPage.Field> fields = new ArrayList<>();
        for (String name : order) {
            fields.add(field(
                    classifier.signature().feature(name).orElseThrow(),
                    card,
                    typed.getOrDefault(name, ""),
                    fieldErrors.remove(name)));
        }
        // Errors on fields the form does not have (unknown or repeated parameters) are shown too, never dropped.
        fieldErrors.forEach(
                (name, message) -> fields.add(FormPage.Field.unknown(name, typed.getOrDefault(name, ""), message)));
        FormPage.Result result = outcome == null ? null : FormResult.of(classifier, outcome, fields, typed);
        List<FormPage.Example> examples = new ArrayList<>();
        for (Examples.Row row : new Examples(card).all()) {
            List<String> parts = new ArrayList<>();
            for (String name : order) {
                parts.add(name + " " + row.values().getOrDefault(name, "?"));
            }
            examples.add(new FormPage.Example(row.id(), row.text(), row.label(), String.join(", ", parts)));
        }
        boolean hasCard = card.evaluation() != null
                || !card.histograms().isEmpty()
                || !card.data().isEmpty();
        String noun = card.metadata().getOrDefault(CardKeys.ROW_NOUN, "").strip();
        return new FormPage(
                card.name(),
                card.description(),
                examples,
                fields,
                result,
                problems.size(),
                hasCard,
                noun.isEmpty() ? "One row" : "One " + noun,
                noun.isEmpty() ? "rows" : plural(noun),
                fields.stream().anyMatch(FormPage.Field::optional),
                null,
                null,
                card.background() != null,
                explain,
                card.conformal() != null
                        && classifier.signature().feature(CoverageField.NAME).isEmpty(),
                "");
    }

    /**
     * The field of one feature: a number box with its training range; a choice among the known values when the model
     * takes no others (and for booleans), else a text box that offers them; optional where a missing value is taken.
     */
    private static FormPage.Field field(Feature feature, ModelCard card, String value, String error) {
        List<String> hints = new ArrayList<>();
        FeatureStats stats = card.featureStats().get(feature.name());
        if (stats != null && feature.type().isNumber()) {
            hints.add("training range " + Decimals.fourPlaces(stats.min()) + " to " + Decimals.fourPlaces(stats.max()));
        }
        List<String> options = feature.type() == ValueType.BOOL ? List.of("true", "false") : feature.categories();
        boolean select = feature.type() == ValueType.BOOL || (!options.isEmpty() && feature.refusesUnknown());
        if (!options.isEmpty() && !select) {
            hints.add("known values: " + String.join(", ", options));
        }
        if (feature.missingAllowed()) {
            hints.add("may be left empty");
        }
        if (feature.missingAs() != null) {
            hints.add("left empty, it is taken as \"" + feature.missingAs() + "\" (the model card says so)");
        }
        return new FormPage.Field(
                feature.name(),
                value,
                String.join("; ", hints),
                error,
                feature.type().isNumber() ? "decimal" : "text",
                options,
                select,
                feature.takesMissing());
    }

    private static String plural(String noun) {
        return noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("sh") || noun.endsWith("ch")
                ? noun + "es"
                : noun + "s";
    }

    /** The data's own column order when the card gives it (people know it), else the model's order. */
    static List<String> displayOrder(Model classifier) {
        List<String> features = classifier.signature().featureNames();
        if (classifier.card().data().get("columns") instanceof List<?> columns) {
            List<String> ordered = columns.stream()
                    .map(String::valueOf)
                    .filter(features::contains)
                    .toList();
            if (ordered.size() == features.size() && ordered.stream().distinct().count() == features.size()) {
                return ordered;
            }
        }
        return features;
    }
}
