package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.feedback.FeedbackMonitor;
import org.tabserve.serving.feedback.LabelRate;
import org.tabserve.serving.feedback.SharedStateDown;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.auth.Access;
import org.tabserve.web.http.limits.LimitedInputStream;
import org.tabserve.web.http.request.MediaType;

/**
 * {@code POST /api/feedback} (and per model and version): the true labels of answers given earlier, each naming the
 * answer by the {@code X-Request-Id} it carried and the row within it, joined to what the model answered for the live
 * accuracy or error ({@link FeedbackMonitor}). A label of the wrong type for the model is a 400 naming it; an id no
 * answer kept is counted, never refused, so that a client replaying old ids gets counts, not an error per id. A
 * regressor's label must be a finite number; one beyond what a label can honestly be is refused alone, named in
 * {@code not_joined}, and the batch's others joined. Labels need the feedback or admin token unless they are open
 * ({@link FeedbackToken}), and each client's are bounded ({@link LabelRate}): past its share, 429 with
 * {@code Retry-After}.
 *
 * <p>Labels are bound to callers: each caller's request ids are its own, and a label joins an answer of the caller its
 * {@code client} field names, by default its sender (on a server that asks no credential, where no caller is told
 * apart, the answers given without one, as before). Only a sender with the scope {@code label:any} (a labelling
 * service; the admin and feedback tokens) may name another caller (403 naming the scope otherwise); a label for
 * another caller's id is unknown, counted and said as an id never answered is, so that no caller learns which ids
 * another has used.
 */
public final class FeedbackHandler {

    /** The fields a label may have. */
    static final String REQUEST_ID = "request_id";

    static final String ROW = "row";
    static final String LABEL = "label";
    /** The caller whose answer a label names: by default its sender. */
    static final String CLIENT = "client";
    /** What a client's name may be, as the keys file and OIDC spell them; empty: a caller without a credential. */
    private static final java.util.regex.Pattern CLIENT_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9._@:-]{0,128}");
    /** The most bad fields one refusal lists: enough to tell a client what it does wrong, few enough to read. */
    static final int MAX_PROBLEMS = 100;
    /** When to send labels again after the shared store did not answer: it is tried again after a second. */
    static final long RETRY_SECONDS = 2;

    private final WebConfig config;
    private final MemoryBudget budget;
    private final FeedbackMonitor feedback;
    private final Access access;
    private final LabelRate rate = new LabelRate();

    /**
     * @param feedback each served model version's answers kept for labels, which the labels are joined to
     * @param access   whether the server tells callers apart ({@link Access#locked}): then a label names by default
     *                 an answer of its sender's, else one given without a credential; and who may name another's
     */
    public FeedbackHandler(WebConfig config, MemoryBudget budget, FeedbackMonitor feedback, Access access) {
        this.config = config;
        this.budget = budget;
        this.feedback = feedback;
        this.access = access;
    }

    /** {@code POST /api/feedback}: one label object, or an array of them, in; what they came to out. */
    public void post(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String client = request.getRemoteAddr();
        long wait = rate.secondsToWait(client, System.nanoTime());
        if (wait > 0) {
            throw new HttpProblem(
                    429,
                    "Too many requests",
                    String.format(
                            java.util.Locale.ROOT,
                            "this client has"
                                    + " sent more labels than its share (a burst of %,d, then %,d a second); send the next ones in %d s",
                            LabelRate.BURST,
                            LabelRate.PER_SECOND,
                            wait),
                    List.of(),
                    Map.of("Retry-After", Long.toString(wait)));
        }
        MediaType.require(request, MediaType.JSON);
        Model served = model.model();
        long version = model.version().orElseThrow();
        Caller sender = model.caller();
        String own = access.locked() ? sender.name() : FeedbackMonitor.NOBODY;
        List<FeedbackMonitor.Label> labels;
        try (MemoryBudget.Reservation held = budget.open();
                InputStream body = LimitedInputStream.meteredJsonBody(request, config, held)) {
            labels = read(body, served, own);
        } finally {
            rate.spend(client, 1, System.nanoTime()); // a refused body costs its request, as one label
        }
        if (labels.size() > 1) {
            rate.spend(client, labels.size() - 1, System.nanoTime());
        }
        for (FeedbackMonitor.Label label : labels) {
            if (!label.client().equals(own)) { // another caller's answer: a labelling service's to name
                access.admitLabelsOfOthers(request, sender, model.name());
                break;
            }
        }
        FeedbackMonitor.Outcome outcome;
        try {
            outcome = feedback.join(model.name(), model.version().orElseThrow(), served, labels, model.trace());
        } catch (SharedStateDown e) {
            throw new HttpProblem(
                    503,
                    "Service Unavailable",
                    e.getMessage(),
                    List.of(),
                    Map.of("Retry-After", Long.toString(RETRY_SECONDS)));
        }
        FeedbackMonitor.Performance now =
                feedback.of(model.name(), model.version().orElseThrow(), served).orElseThrow();
        response.setHeader("Cache-Control", "no-store");
        try (JsonGenerator json = Json.start(response)) {
            json.writeStartObject();
            json.writeStringField("model", model.name());
            json.writeNumberField("version", model.version().orElseThrow());
            json.writeNumberField("received", labels.size());
            json.writeNumberField("joined", outcome.joined());
            json.writeNumberField("unknown", outcome.unknown());
            json.writeNumberField("expired", outcome.expired());
            json.writeNumberField("duplicates", outcome.duplicates());
            json.writeNumberField("refused", outcome.refused());
            FeedbackOutcomeJson.write(json, outcome, feedback.sharedIn().isPresent());
            LivePerformanceJson.write(json, served, now);
            json.writeEndObject();
        }
    }

    /** Reads the labels, refusing the body with its bad fields (the first {@link #MAX_PROBLEMS}) named. */
    private List<FeedbackMonitor.Label> read(InputStream body, Model served, String own) throws IOException {
        List<FeedbackMonitor.Label> labels = new ArrayList<>();
        List<FieldProblem> problems = new ArrayList<>();
        try (JsonParser parser = Json.MAPPER.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                label(parser.readValueAsTree(), null, served, own, labels, problems);
            } else if (first == JsonToken.START_ARRAY) {
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    if (index >= config.maxBatchRows()) {
                        throw HttpProblem.tooLarge("more than " + config.maxBatchRows() + " labels in one request;"
                                + " send them in smaller parts; " + WebConfig.raisedBy(WebConfig.MAX_BATCH_ROWS));
                    }
                    label(parser.readValueAsTree(), index++, served, own, labels, problems);
                    if (problems.size() >= MAX_PROBLEMS) {
                        break; // enough to tell the caller what is wrong
                    }
                }
            } else {
                throw HttpProblem.badRequest("the body must be a JSON object {\"request_id\": ..., \"label\": ...}"
                        + " or an array of them");
            }
            if (problems.isEmpty() && parser.nextToken() != null) {
                throw HttpProblem.badRequest("the body has more after its JSON value");
            }
        } catch (JsonProcessingException e) {
            throw HttpProblem.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!problems.isEmpty()) {
            throw HttpProblem.invalidFields(problems);
        }
        return labels;
    }

    /**
     * Reads one label object ({@code item}: its index in an array, null for a lone object); a regressor's value out
     * of its range is the join's to refuse, alone ({@link FeedbackMonitor#join}); without a {@link #CLIENT}, it names
     * an answer to {@code own}.
     */
    private static void label(
            JsonNode node,
            Integer item,
            Model served,
            String own,
            List<FeedbackMonitor.Label> labels,
            List<FieldProblem> problems) {
        if (node == null || !node.isObject()) {
            problems.add(new FieldProblem("(label)", "must be an object with " + REQUEST_ID + " and " + LABEL, item));
            return;
        }
        int before = problems.size();
        node.fieldNames().forEachRemaining(field -> {
            if (!field.equals(REQUEST_ID) && !field.equals(ROW) && !field.equals(LABEL) && !field.equals(CLIENT)) {
                problems.add(new FieldProblem(
                        field,
                        "is not a field of a label; they are " + REQUEST_ID + ", " + ROW
                                + " (0 unless the answer had several rows), " + LABEL + " and " + CLIENT
                                + " (the client the answer was given to, by default the sender)",
                        item));
            }
        });
        JsonNode named = node.get(CLIENT);
        if (named != null
                && !(named.isTextual() && CLIENT_NAME.matcher(named.textValue()).matches())) {
            problems.add(new FieldProblem(
                    CLIENT,
                    "must be the name of the client the answer was given to (letters, digits and ._@:-, at most 128;"
                            + " empty: a caller without a credential)",
                    item));
        }
        JsonNode id = node.get(REQUEST_ID);
        if (id == null || !id.isTextual()) {
            problems.add(new FieldProblem(
                    REQUEST_ID,
                    (id == null ? "is missing" : "must be text") + ": the X-Request-Id header the answer carried",
                    item));
        }
        JsonNode row = node.get(ROW);
        if (row != null && !(row.canConvertToInt() && row.isIntegralNumber() && row.intValue() >= 0)) {
            problems.add(new FieldProblem(
                    ROW, "must be a whole number from 0: the row's place in the answer, " + "counted from 0", item));
        }
        JsonNode label = node.get(LABEL);
        String classLabel = null;
        double value = Double.NaN;
        List<String> classes = served.signature().classLabels();
        if (label == null || label.isNull()) {
            problems.add(new FieldProblem(
                    LABEL,
                    "is missing: the true " + (classes.isEmpty() ? "value, a number" : "class, one of " + classes),
                    item));
        } else if (classes.isEmpty()) {
            if (!label.isNumber() || !Double.isFinite(label.doubleValue())) {
                problems.add(new FieldProblem(
                        LABEL,
                        "must be a number: the model is a regressor, and a label is" + " the true value; got "
                                + JsonText.describe(label.asToken()),
                        item));
            } else {
                value = label.doubleValue();
            }
        } else if (!(label.isTextual() || label.isIntegralNumber() || label.isBoolean())
                || classOf(served, label.asText()) == null) {
            problems.add(new FieldProblem(
                    LABEL,
                    "must be one of the model's classes " + classes + named(served) + "; got "
                            + (label.isValueNode() && label.asText().length() <= 64
                                    ? "'" + label.asText() + "'"
                                    : JsonText.describe(label.asToken())),
                    item));
        } else {
            classLabel = classOf(served, label.asText());
        }
        if (problems.size() == before) {
            labels.add(new FeedbackMonitor.Label(
                    id.textValue(),
                    row == null ? 0 : row.intValue(),
                    classLabel,
                    value,
                    named == null ? own : named.textValue()));
        }
    }

    /**
     * @return the model's class that {@code text} names: a class label, or the name the card gives one (as the
     *         answers show it: {@code survived} for {@code 1}); null when it names none
     */
    static String classOf(Model served, String text) {
        List<String> classes = served.signature().classLabels();
        if (classes.contains(text)) {
            return text;
        }
        for (String each : classes) {
            if (served.card().displayName(each).equals(text)) {
                return each;
            }
        }
        return null;
    }

    /** @return " (or their names: ...)" when the card names the classes, else "" */
    private static String named(Model served) {
        List<String> classes = served.signature().classLabels();
        List<String> names = classes.stream().map(served.card()::displayName).toList();
        return names.equals(classes) ? "" : " (or their names " + names + ")";
    }
}
