package org.tabserve.web.openapi;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.Locale;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ModelSignature;

/**
 * The model's input as schemas, built from its signature and card, in one place for every protocol that takes
 * features: a feature's JSON type (its known categories as an {@code enum} where the model refuses others,
 * {@code nullable} where it may be missing), its description and a valid example, and the two row shapes every
 * protocol takes ({@value OpenApi#FEATURES}: an object by name; {@value OpenApi#FEATURE_ROW}: values in order).
 */
public final class FeatureSchemas {

    private FeatureSchemas() {}

    /**
     * A feature's JSON type: number, integer, string (with an {@code enum} of its known categories where the model
     * refuses others) or boolean, {@code nullable} where it may be missing.
     */
    public static Schema<?> schema(ModelCard card, Feature feature) {
        Schema<?> schema = switch (feature.type()) {
            case FLOAT -> new NumberSchema().format("float");
            case DOUBLE -> new NumberSchema().format("double");
            case INT64 -> integers(new IntegerSchema().format("int64"), feature);
            case INT32 -> integers(new IntegerSchema().format("int32"), feature);
            case STRING -> {
                StringSchema text = new StringSchema();
                text.maxLength(Feature.MAX_TEXT_LENGTH);
                if (feature.refusesUnknown() && !feature.categories().isEmpty()) {
                    text._enum(feature.categories());
                }
                yield text;
            }
            case BOOL -> new BooleanSchema();
        };
        Object example = example(card, feature);
        if (feature.type().isNumber() && card.featureStats().get(feature.name()) != null
                || !feature.categories().isEmpty()) {
            schema.example(example);
        }
        if (feature.takesMissing()) {
            schema.nullable(true);
        }
        return schema;
    }

    private static Schema<?> integers(IntegerSchema schema, Feature feature) {
        if (feature.refusesUnknown() && !feature.categories().isEmpty()) {
            schema._enum(feature.categories().stream()
                    .map(c -> (Number) Long.parseLong(c))
                    .toList());
        }
        return schema;
    }

    /**
     * A valid value of a feature: its training mean, its first known category, else zero, a word or false (a word, as
     * the JSON example has it, not "", which is a missing value).
     */
    public static Object example(ModelCard card, Feature feature) {
        FeatureStats stats = card.featureStats().get(feature.name());
        return switch (feature.type()) {
            case FLOAT -> stats == null ? 0.0 : (double) (float) stats.mean();
            case DOUBLE -> stats == null ? 0.0 : stats.mean();
            case INT64, INT32 ->
                feature.categories().isEmpty()
                        ? 0L
                        : Long.parseLong(feature.categories().get(0));
            case STRING ->
                feature.categories().isEmpty() ? "text" : feature.categories().get(0);
            case BOOL -> Boolean.FALSE;
        };
    }

    /** What a feature is for people: its type, training range, known values and whether it may be missing. */
    public static String description(ModelCard card, Feature feature) {
        StringBuilder text = new StringBuilder("feature ")
                .append(feature.name())
                .append(" (")
                .append(feature.type().name().toLowerCase(Locale.ROOT));
        FeatureStats stats = card.featureStats().get(feature.name());
        if (stats != null) {
            text.append("; training range ")
                    .append(stats.min())
                    .append(" to ")
                    .append(stats.max())
                    .append(", mean ")
                    .append(stats.mean());
        }
        if (!feature.categories().isEmpty()) {
            text.append(feature.refusesUnknown() ? "; one of " : "; known values ")
                    .append(String.join(", ", feature.categories()))
                    .append(feature.refusesUnknown() ? "" : " (others are taken with a warning)");
        }
        if (feature.missingAllowed()) {
            text.append("; may be missing (null)");
        }
        if (feature.missingAs() != null) {
            text.append("; a missing value (null) is taken as \"")
                    .append(feature.missingAs())
                    .append("\", as the model card says");
        }
        return text.append(')').toString();
    }

    /** {@value OpenApi#FEATURES}: one row as an object of every feature by name, nothing else. */
    static Schema<?> byName(DescribedModel model) {
        ModelSignature signature = model.signature();
        ObjectSchema features = new ObjectSchema();
        features.description("One row: every feature of the model by name; other fields are ignored and named once in"
                + " the answer's warnings"
                + (signature.features().stream().anyMatch(Feature::missingAllowed)
                        ? "; null for a missing value where the feature may be missing"
                        : ""));
        for (Feature feature : signature.features()) {
            features.addProperty(
                    feature.name(), schema(model.card(), feature).description(description(model.card(), feature)));
            features.addRequiredItem(feature.name());
        }
        return features;
    }

    /** {@value OpenApi#FEATURE_ROW}: one row as values in the model's feature order. */
    static Schema<?> inOrder(DescribedModel model) {
        ModelSignature signature = model.signature();
        // Arrays of values in the model's feature order are taken for every model (input by input, column by column);
        // OpenAPI 3.0 has no tuples, so a row of mixed types is described, not typed position by position.
        Schema<?> cell = signature.numbersOnly()
                ? new NumberSchema().format("double")
                : new Schema<>().nullable(true).description("a value of the feature at this position");
        return new ArraySchema()
                .items(cell)
                .minItems(signature.featureCount())
                .maxItems(signature.featureCount())
                .description("One row as values in the model's feature order: " + model.featuresText());
    }
}
