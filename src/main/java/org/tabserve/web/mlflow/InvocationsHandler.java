package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.Batch;
import org.tabserve.model.OnnxModel;
import org.tabserve.model.Prediction;
import org.tabserve.web.http.ApiServlet;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.LimitedInputStream;
import org.tabserve.web.http.MemoryBudget;
import org.tabserve.web.http.ServedModels;
import org.tabserve.web.http.WebConfig;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /invocations}, MLflow's scoring route, so that MLflow clients work against tabserve: a JSON or CSV body
 * as {@link MlflowRequestParser} reads it, answered as MLflow answers a scikit-learn classifier's {@code predict},
 * {@code {"predictions": [label, ...]}}. The body is read within the same size limit and memory budget as the other
 * JSON routes, and the batch is one model call.
 */
public final class InvocationsServlet extends ApiServlet {

    public static final String PATH = "/invocations";
    static final String JSON = "application/json";
    static final String CSV = "text/csv";

    private final transient WebConfig config;
    private final transient MemoryBudget budget;

    public InvocationsServlet(ServedModels model, ErrorRenderer errors, WebConfig config, MemoryBudget budget) {
        super(model, errors);
        this.config = config;
        this.budget = budget;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The header as sent: Jetty's getContentType() throws for a charset the JVM does not know ("latin-1").
        String type = mediaType(request.getHeader("Content-Type"));
        OnnxModel classifier = model.classifier();
        MlflowRequestParser parser = new MlflowRequestParser(classifier.signature(), config.maxBatchRows());
        try (MemoryBudget.Reservation held = budget.open();
             InputStream body = held.metered(LimitedInputStream.body(request, config.maxBodyBytes()),
                     Json.UNMETERED_BYTES, Json.HEAP_BYTES_PER_BODY_BYTE)) {
            List<Batch> batches = type.equals(JSON) ? List.of(parser.parseJson(body)) : parser.parseCsv(body);
            List<Prediction> predictions = new ArrayList<>();
            for (Batch batch : batches) {
                predictions.addAll(model.counted(classifier.predict(batch)));
            }
            try (JsonGenerator json = PredictionJson.start(response)) {
                json.writeStartObject();
                json.writeArrayFieldStart("predictions");
                for (Prediction prediction : predictions) {
                    // As MLflow's pyfunc answers: a classifier's label, a regressor's number.
                    if (prediction instanceof Prediction.Regression regression) {
                        json.writeNumber(regression.value());
                    } else {
                        json.writeString(prediction.classification().label());
                    }
                }
                json.writeEndArray();
                json.writeEndObject();
            }
        }
    }

    /**
     * The body's media type, {@code application/json} or {@code text/csv}; as MLflow's server does, a 415 for any
     * other, for a charset other than UTF-8 and for any other parameter.
     */
    static String mediaType(String contentType) {
        if (contentType == null) {
            throw HttpProblem.unsupportedMediaType("send Content-Type: application/json or text/csv (none was sent)");
        }
        String[] parts = contentType.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals(JSON) && !type.equals(CSV)) {
            throw HttpProblem.unsupportedMediaType("send Content-Type: application/json or text/csv, MLflow's scoring "
                    + "formats (got " + contentType + ")");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            String name = parameter[0].strip().toLowerCase(Locale.ROOT);
            String value = parameter.length < 2 ? "" : parameter[1].strip().replace("\"", "");
            if (name.isEmpty()) {
                continue; // "application/json;" as MLflow's own documentation once sent it
            }
            if (!name.equals("charset")) {
                throw HttpProblem.unsupportedMediaType("unrecognized Content-Type parameter '" + name + "'; only "
                        + "charset=utf-8 is taken (got " + contentType + ")");
            }
            if (!value.equalsIgnoreCase("utf-8")) {
                throw HttpProblem.unsupportedMediaType("the scoring route takes UTF-8 only (got " + contentType + ")");
            }
        }
        return type;
    }
}
