package org.tabserve.web.openapi;

import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import org.tabserve.model.answer.RequestField;

/** The schemas of the request-level fields a JSON answer's body carries ({@link RequestField}), looped over once. */
public final class SourceSchemas {

    private SourceSchemas() {}

    /**
     * Adds the request-level fields an answer's body may carry ({@link RequestField#inBody}), looped over in their
     * order.
     *
     * @return {@code answer}
     */
    public static ObjectSchema requestFields(ObjectSchema answer) {
        for (RequestField field : RequestField.values()) {
            Schema<?> schema = switch (field) {
                case MODEL_VERSION -> modelVersion();
                case MODEL_SHA256 ->
                    new StringSchema()
                            .description("the SHA-256 of the served model file, in lower-case hex: which exact"
                                    + " model gave the answer (also the Tabserve-Model-Sha256 header)");
                case TRACE_ID ->
                    new StringSchema()
                            .pattern("^[0-9a-f]{32}$")
                            .description("the id of the request's trace, while the server traces"
                                    + " (otel.exporter.otlp.endpoint) and sampled this request; its span's"
                                    + " context is the traceparent header");
                // never in a JSON answer's body: the route names the model, the request id is a header's
                case MODEL_NAME, ENGINE, REQUEST_ID -> null;
            };
            if (schema != null) {
                answer.addProperty(field.key(), schema);
            }
        }
        return answer;
    }

    private static Schema<?> modelVersion() {
        return new IntegerSchema()
                .format("int64")
                .description("the model version that answered; present while the"
                        + " model has a canary rollout (GET /models/{name}/api/rollout), absent otherwise");
    }
}
