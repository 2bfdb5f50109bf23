package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.tabserve.model.Model;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.web.http.CardSize;
import org.tabserve.web.http.ModelBytes;
import org.tabserve.web.http.Routes;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.OpenApiDocument;

/**
 * {@code GET /openapi.json} and {@code /openapi.yaml}: the OpenAPI document of the request's model, built once per
 * loaded model version, route base and format, and shared as bytes by every request after (see {@link ModelBytes}).
 * A handler of the route table (one method per format), not a servlet.
 */
public final class OpenApiHandler {

    /** The document as JSON; the value lives in {@link Routes}, where the per-model router reads it. */
    public static final String JSON_PATH = Routes.OPENAPI_JSON;
    /** The document as YAML. */
    public static final String YAML_PATH = Routes.OPENAPI_YAML;

    /**
     * What building the document may hold, per character of the card, as JSON and as YAML: everything a build
     * allocates, an upper bound of what it holds at once. For a card that is mostly one description (0.9 and 5 MB)
     * a build allocated 6.1 to 6.6 bytes a character for JSON and 14 to 19 for YAML (ThreadMXBean's count for the
     * building thread); names and categories, which the document repeats in several schemas, cost more per character.
     */
    static final int JSON_BYTES_PER_CARD_CHAR = 8;

    static final int YAML_BYTES_PER_CARD_CHAR = 20;
    /** What building the document of a card of no text holds: swagger-core's models of every route. */
    static final long BUILD_BYTES_BASE = 1 << 20;

    private final OpenApiDocument document;
    private final MemoryBudget budget;
    private final ModelBytes documents;

    /**
     * @param document  what builds the document from each protocol's part
     * @param documents where the documents are kept; the repository's listener empties it of a version that goes
     */
    public OpenApiHandler(OpenApiDocument document, MemoryBudget budget, ModelBytes documents) {
        // The document is not written at start-up, not even on a thread of its own: swagger-core's first use is a few
        // hundred ms of class loading, which on a machine of two cores would compete with the start itself. The first
        // request for the document pays it once.
        this.document = document;
        this.budget = budget;
        this.documents = documents;
    }

    /** {@code GET /openapi.json}. */
    public void json(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(model, response, false);
    }

    /** {@code GET /openapi.yaml}. */
    public void yaml(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(model, response, true);
    }

    private void write(ResolvedModel model, HttpServletResponse response, boolean yaml) throws IOException {
        Model classifier = model.model(); // 503 without a model: the document describes the model
        String base = model.route().map(Routes::base).orElse("");
        String name = model.name();
        long version = model.version().orElseThrow();
        byte[] document = documents.get(
                name,
                version,
                classifier,
                base + (yaml ? " yaml" : " json"),
                () -> build(name, base, classifier, yaml));
        response.setContentType(yaml ? "application/yaml" : "application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("X-Model-Sha256", classifier.sha256());
        response.setContentLength(document.length);
        response.getOutputStream().write(document);
    }

    /** Builds the document under a share of the memory budget sized from the card: many at once wait or get 503. */
    private byte[] build(String name, String base, Model classifier, boolean yaml) {
        long perChar = yaml ? YAML_BYTES_PER_CARD_CHAR : JSON_BYTES_PER_CARD_CHAR;
        return budget.buildAnswer(
                CardSize.bytes(classifier.card(), BUILD_BYTES_BASE, perChar),
                "the OpenAPI document of model " + name,
                () -> document.write(
                        new DescribedModel(
                                name,
                                base,
                                classifier.signature(),
                                classifier.card(),
                                classifier.valueOutput().orElse(null)),
                        yaml));
    }
}
