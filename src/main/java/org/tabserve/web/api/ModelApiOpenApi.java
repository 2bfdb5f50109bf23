package org.tabserve.web.api;

import static org.tabserve.web.openapi.OpenApi.JSON;
import static org.tabserve.web.openapi.OpenApi.ok;
import static org.tabserve.web.openapi.OpenApi.operation;
import static org.tabserve.web.openapi.OpenApi.problems;
import static org.tabserve.web.openapi.OpenApi.ref;
import static org.tabserve.web.openapi.OpenApi.responses;

import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Schema;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.web.openapi.DerivedSchemas;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.OpenApiPart;

/**
 * The model description's part of the OpenAPI document, in the plain JSON API's section: {@code /api/model} (the
 * served model's signature and card) and {@code /api/models} (the index of every served model, whose schema is
 * {@link ModelIndexSchema}'s).
 */
public final class ModelApiOpenApi implements OpenApiPart {

    /** The names /api/model gives the value types. */
    private static final List<String> TYPE_NAMES = Arrays.stream(ValueType.values())
            .map(t -> t.name().toLowerCase(Locale.ROOT))
            .toList();

    @Override
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
        paths.addPathItem(
                model.base() + "/api/model",
                new PathItem()
                        .get(operation(PredictOpenApi.TAG, "model", "The served model's signature and card", null)
                                .responses(responses(
                                        ok(JSON, ref("ModelDescription"), "Signature and card"), problems(503)))));
        paths.addPathItem(
                ModelIndexHandler.API_PATH,
                new PathItem()
                        .get(operation(
                                        PredictOpenApi.TAG,
                                        "models",
                                        "Every served model version with its state, task, inputs and routes",
                                        null)
                                .responses(responses(ok(JSON, ref("ModelIndex"), "The models")))));
        schemas.put("ModelIndex", ModelIndexSchema.schema());
        schemas.put("FeatureDescription", featureDescription(model.signature()));
        schemas.put("ModelDescription", modelDescription(model.signature()));
    }

    private static Schema<?> featureDescription(ModelSignature signature) {
        Schema<?> feature = DerivedSchemas.of(ModelShapes.FeatureDescription.class);
        choices(feature, "name", signature.featureNames());
        choices(feature, "type", TYPE_NAMES);
        choices(
                feature,
                "missing_because",
                Arrays.stream(Feature.Missing.values())
                        .map(Feature.Missing::word)
                        .toList());
        Schema<?> live = feature.getProperties().get("live");
        live.addProperty(
                "recent",
                DerivedSchemas.of(ModelShapes.LiveWindow.class)
                        .description("the last hour (12 buckets of five minutes)"));
        live.addProperty(
                "since_start",
                DerivedSchemas.of(ModelShapes.LiveWindow.class).description("since the model version was loaded"));
        return feature;
    }

    private static Schema<?> modelDescription(ModelSignature signature) {
        Schema<?> description = DerivedSchemas.of(ModelShapes.ModelDescription.class);
        Schema<?> input = description.getProperties().get("inputs").getItems();
        choices(input, "name", signature.inputs().stream().map(ModelInput::name).toList());
        choices(input, "type", TYPE_NAMES);
        List<String> labels = signature.classLabels();
        choices(description.getProperties().get("classes").getItems(), "label", labels.isEmpty() ? null : labels);
        return description;
    }

    /** Sets the values {@code object}'s text {@code property} may take, which are the model's. */
    @SuppressWarnings("unchecked")
    private static void choices(Schema<?> object, String property, List<String> values) {
        ((Schema<String>) object.getProperties().get(property))._enum(values);
    }
}
