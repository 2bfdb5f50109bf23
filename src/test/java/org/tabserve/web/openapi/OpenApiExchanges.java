package org.tabserve.web.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import org.tabserve.testing.RunningServer;

/**
 * Real requests to a running server, each answer (and, for valid requests, the request too) checked against the
 * OpenAPI document that server itself serves: what the conformance tests of every served model share.
 */
final class OpenApiExchanges {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final RunningServer server;
    private final OpenApiInteractionValidator validator;
    private final JsonNode document;
    /** "METHOD path" of every exchange, to check that every documented operation was exercised. */
    final Set<String> exercised = new ConcurrentSkipListSet<>();

    private OpenApiExchanges(RunningServer server, String text) throws IOException {
        this.server = server;
        this.document = JSON.readTree(text);
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(text)
                .build();
    }

    /** Reads the server's own /openapi.json. */
    static OpenApiExchanges of(RunningServer server) throws IOException, InterruptedException {
        return of(server, "/openapi.json");
    }

    /** Reads the document the server serves at {@code path}, e.g. {@code /models/NAME/openapi.json}. */
    static OpenApiExchanges of(RunningServer server, String path) throws IOException, InterruptedException {
        String text = HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        return new OpenApiExchanges(server, text);
    }

    /** @return the served document */
    JsonNode document() {
        return document;
    }

    /**
     * Sends a request, checks its status, and validates the exchange against the document.
     *
     * @param validRequest whether the request itself must conform too (error cases send non-conforming ones)
     */
    HttpResponse<String> exchange(
            String method,
            String pathAndQuery,
            String contentType,
            byte[] body,
            String accept,
            int status,
            boolean validRequest)
            throws Exception {
        HttpRequest.Builder http = HttpRequest.newBuilder(server.uri(pathAndQuery))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            http.header("Content-Type", contentType);
        }
        if (accept != null) {
            http.header("Accept", accept);
        }
        HttpResponse<String> response = HTTP.send(http.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(
                status,
                response.statusCode(),
                () -> method + " " + pathAndQuery + ": "
                        + response.body()
                                .substring(0, Math.min(2000, response.body().length())));

        String path = pathAndQuery.split("\\?", 2)[0];
        SimpleResponse.Builder answer =
                SimpleResponse.Builder.status(response.statusCode()).withBody(response.body());
        response.headers().map().forEach((header, values) -> answer.withHeader(header, values));
        Request.Method verb = Request.Method.valueOf(method);
        ValidationReport report;
        if (validRequest) {
            SimpleRequest.Builder request = new SimpleRequest.Builder(verb, path);
            if (pathAndQuery.contains("?")) {
                for (String pair : pathAndQuery.split("\\?", 2)[1].split("&")) {
                    String[] kv = pair.split("=", 2);
                    request.withQueryParam(kv[0], kv[1]);
                }
            }
            if (contentType != null) {
                request.withContentType(contentType);
            }
            if (accept != null) {
                request.withAccept(accept);
            }
            if (body != null) {
                request.withBody(new String(body, StandardCharsets.UTF_8));
            }
            report = validator.validate(request.build(), answer.build());
        } else {
            report = validator.validateResponse(path, verb, answer.build());
        }
        assertFalse(
                report.hasErrors(),
                () -> method + " " + pathAndQuery + " → " + response.statusCode()
                        + " does not conform to /openapi.json:\n"
                        + SimpleValidationReportFormat.getInstance().apply(report)
                        + "\nbody: "
                        + response.body()
                                .substring(0, Math.min(2000, response.body().length())));
        exercised.add(method + " " + path);
        return response;
    }

    /** Validates a JSON request alone (no answer): what the document says of a request before any server sees it. */
    void assertValidJsonRequest(String path, String json) {
        ValidationReport report = validator.validateRequest(new SimpleRequest.Builder(Request.Method.POST, path)
                .withContentType("application/json")
                .withAccept("application/json")
                .withBody(json)
                .build());
        assertFalse(
                report.hasErrors(),
                () -> "POST " + path + " does not conform to /openapi.json:\n"
                        + SimpleValidationReportFormat.getInstance().apply(report));
    }

    HttpResponse<String> get(String path, int status) throws Exception {
        return exchange("GET", path, null, null, "application/json", status, true);
    }

    HttpResponse<String> postJson(String path, String json, int status, boolean valid) throws Exception {
        return exchange(
                "POST",
                path,
                "application/json",
                json.getBytes(StandardCharsets.UTF_8),
                "application/json",
                status,
                valid);
    }
}
