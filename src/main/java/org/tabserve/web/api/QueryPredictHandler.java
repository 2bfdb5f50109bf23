package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PushbackInputStream;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.signature.Batch;
import org.tabserve.rows.ParameterRowParser;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.limits.LimitedInputStream;
import org.tabserve.web.http.request.MediaType;
import org.tabserve.web.http.request.RequestParameters;

/**
 * {@code /predict}, the original Flask apps' route, answered in JSON: {@code GET /predict?variance=..&skewness=..}
 * (the bank-note app; values read by each feature's type, an empty one missing), and {@code POST /predict} with the features as a JSON object (the admission-prediction client)
 * or as a url-encoded form.
 */
public final class QueryPredictHandler {

    private final WebConfig config;
    private final JsonPredictRequest json;

    public QueryPredictHandler(WebConfig config, JsonPredictRequest json) {
        this.config = config;
        this.json = json;
    }

    /**
     * {@code POST /predict}: the features as a JSON object or as a url-encoded form. A body sent with no
     * {@code Content-Type} (Python's {@code requests.post(url, data=json.dumps(row))}) is JSON when it starts with
     * {@code {} or {@code [}, as Flask's {@code request.get_json(force=True)} in the original apps takes it.
     */
    public void post(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        MediaType type = MediaType.of(request);
        switch (type.type()) {
            case MediaType.JSON -> {
                type.require(MediaType.JSON); // refuses a charset other than UTF-8
                json.answer(model, request, response);
            }
            case MediaType.FORM -> {
                refuseJsonAsForm(RequestParameters.of(request, config.maxBodyBytes()));
                get(model, request, response);
            }
            case "" -> {
                PushbackInputStream body = new PushbackInputStream(
                        LimitedInputStream.body(request, config.maxBodyBytes(), WebConfig.MAX_BODY_BYTES), 1);
                int first = firstNonBlank(body);
                if (first != '{' && first != '[') {
                    throw HttpProblem.unsupportedMediaType("send Content-Type: application/json (or a url-encoded"
                            + " form) " + type.sent() + "; a body with none is read as JSON only when it starts with"
                            + " { or [");
                }
                body.unread(first);
                json.answer(model, request, body, response);
            }
            default ->
                throw HttpProblem.unsupportedMediaType(
                        "send Content-Type: application/json (or a url-encoded" + " form) " + type.sent());
        }
    }

    /**
     * A JSON body sent as a url-encoded form ({@code curl -d '{...}'} without {@code -H}) comes out of the form's
     * decoding as one field named after the JSON text, which cannot be read back unchanged ({@code +}, {@code %} and
     * {@code &} are decoded): a 415 saying how to send it, rather than a 400 about a field named {@code {"variance"}.
     */
    private static void refuseJsonAsForm(java.util.Map<String, String[]> fields) {
        for (String name : fields.keySet()) {
            String start = name.stripLeading();
            if (start.startsWith("{") || start.startsWith("[")) {
                throw HttpProblem.unsupportedMediaType("the body is JSON, but it was sent as a url-encoded form"
                        + " (Content-Type: application/x-www-form-urlencoded, what curl -d sends without -H); send it"
                        + " with Content-Type: application/json");
            }
        }
    }

    /** The first byte that is not JSON white space, or -1 at the end of the body; the white space is consumed. */
    private static int firstNonBlank(PushbackInputStream body) throws IOException {
        int b;
        do {
            b = body.read();
        } while (b == ' ' || b == '\t' || b == '\n' || b == '\r');
        return b;
    }

    /** {@code GET /predict?variance=..&skewness=..}. */
    public void get(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Model classifier = model.model();
        ParameterRowParser.ParsedRow parsed;
        // The read stage: the query's (or the posted form's) fields, as one row.
        try (AnswerTrace.Stage reading = model.trace()
                .read(request.getMethod().equals("GET") ? "query" : "form", request.getContentLengthLong())) {
            parsed = new ParameterRowParser(classifier.signature())
                    .parse(RequestParameters.of(request, config.maxBodyBytes()));
            reading.attribute(AnswerTrace.ROWS, 1);
        }
        Batch batch = parsed.orThrow();
        AnswerAssembler scores = json.scoring().of(model, null);
        ScoredRows scored = scores.scoreRows(batch);
        try (AnswerTrace.Stage writing = model.trace().write("json", scored.size());
                JsonGenerator out = Json.start(response)) {
            PredictionJson.write(
                    out,
                    scored,
                    0,
                    classifier.card(),
                    parsed.warnings(classifier.card()),
                    classifier.signature().probabilityNote(),
                    scores.source());
        }
    }
}
