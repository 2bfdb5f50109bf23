package org.tabserve.web.openapi;

import static org.tabserve.web.openapi.OpenApi.JSON;
import static org.tabserve.web.openapi.OpenApi.ok;
import static org.tabserve.web.openapi.OpenApi.operation;
import static org.tabserve.web.openapi.OpenApi.problems;
import static org.tabserve.web.openapi.OpenApi.responses;

import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import java.util.Map;
import org.tabserve.web.http.RouteTable;

/**
 * The part of the routes every server has whatever protocols it serves: the OpenAPI documents themselves, their
 * Swagger UI and the Python client (Documentation), and the metrics Prometheus scrapes (Operations).
 */
public final class ServerOpenApi implements OpenApiPart {

    private static final String TAG_DOCS = "Documentation";
    private static final String TAG_OPS = "Operations";

    @Override
    public List<Tag> tags() {
        return List.of(new Tag().name(TAG_DOCS), new Tag().name(TAG_OPS));
    }

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        String base = model.base();
        paths.addPathItem(
                base + "/openapi.json",
                new PathItem()
                        .get(operation(TAG_DOCS, "openapiJson", "This document, in JSON", null)
                                .responses(responses(
                                        ok(JSON, new ObjectSchema(), "The OpenAPI document"), problems(503)))));
        paths.addPathItem(
                base + "/openapi.yaml",
                new PathItem()
                        .get(operation(TAG_DOCS, "openapiYaml", "This document, in YAML", null)
                                .responses(responses(
                                        ok("application/yaml", new StringSchema(), "The OpenAPI document"),
                                        problems(503)))));
        paths.addPathItem(
                RouteTable.MODELS + "/{model_name}/openapi.json",
                new PathItem()
                        .get(operation(
                                        TAG_DOCS,
                                        "modelOpenapiJson",
                                        "A model's own document: its routes under /models/{name}",
                                        null)
                                .addParametersItem(OpenApi.modelName())
                                .responses(responses(
                                        ok(JSON, new ObjectSchema(), "The model's OpenAPI document"),
                                        problems(404, 503)))));
        paths.addPathItem(
                "/metrics",
                new PathItem()
                        .get(operation(
                                        TAG_OPS,
                                        "metrics",
                                        "Metrics for Prometheus to scrape",
                                        "Prometheus text format, every tabserve series labelled by model: tabserve_http_requests_total and "
                                                + "tabserve_http_request_duration_seconds (by route and status), tabserve_predictions_total (by "
                                                + "class), tabserve_rows_scored_total, tabserve_model_load_seconds, tabserve_model_info (name, "
                                                + "version, sha256) and the JVM's metrics.")
                                .responses(responses(ok("text/plain", new StringSchema(), "The metrics")))));
        paths.addPathItem(
                "/apidocs",
                new PathItem()
                        .get(operation(TAG_DOCS, "apidocs", "Swagger UI for this document", null)
                                .responses(responses(ok("text/html", new StringSchema(), "The Swagger UI page")))));
        paths.addPathItem(
                "/clients/tabserve_client.py",
                new PathItem()
                        .get(operation(
                                        TAG_DOCS,
                                        "pythonClient",
                                        "The Python client, one file",
                                        "tabserve_client.py, this server's Python client (the standard library, and pandas"
                                                + " for data frames): curl it from here to install it. Cached for an hour;"
                                                + " its ETag is its SHA-256.")
                                .responses(responses(ok("text/x-python", new StringSchema(), "The client's source")))));
    }
}
